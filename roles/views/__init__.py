"""Role pages: reading (browse) and writing (edit). Views stay thin: parse, call, render."""

from roles.views.browse import (
    role_detail,
    role_diff,
    role_history,
    role_list,
    role_print,
    version_detail,
)
from roles.views.edit import (
    role_create,
    role_discard_draft,
    role_edit_draft,
    role_new_draft,
    role_publish,
    role_retire,
)

__all__ = [
    "role_create",
    "role_detail",
    "role_diff",
    "role_discard_draft",
    "role_edit_draft",
    "role_history",
    "role_list",
    "role_new_draft",
    "role_print",
    "role_publish",
    "role_retire",
    "version_detail",
]

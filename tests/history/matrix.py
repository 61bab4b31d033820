"""Rows of the access matrix for the audit pages (merged into tests/test_access_matrix.py).

Administrators only: everyone else, the outsider (a lead elsewhere) included, holds no
capacity that reads an audit trail anywhere, so is refused outright (403)."""

from tests.matrix import row

_ADMINS_ONLY = row(403, admin=200)

HISTORY_MATRIX = {
    "history:audit": (_ADMINS_ONLY, None),
    "history:audit_export": (_ADMINS_ONLY, None),
}

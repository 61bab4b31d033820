"""Every write that matters in the workforce app: keyword-only functions named
<entity>_<action>, each atomic, raising WorkforceError on a broken rule and recording an
audit entry in the same transaction. Import them from here."""

from workforce.organisations.services import organisation_nation_update, organisation_set_up
from workforce.platform.base import WorkforceError
from workforce.register.services.assignments import (
    assignment_create,
    assignment_end,
    assignment_move_to_version,
    assignment_update,
    training_record_create,
)
from workforce.register.services.imports import ImportRejected, ImportResult, people_import
from workforce.register.services.logins import (
    login_close,
    membership_end,
    membership_grant,
    membership_revoke,
    memberships_end,
)
from workforce.register.services.people import (
    person_create,
    person_invite,
    person_leave,
    person_update,
)
from workforce.register.services.private import diversity_profile_update, wellbeing_plan_update

__all__ = [
    "assignment_create",
    "assignment_end",
    "assignment_move_to_version",
    "assignment_update",
    "training_record_create",
    "ImportRejected",
    "ImportResult",
    "WorkforceError",
    "diversity_profile_update",
    "login_close",
    "organisation_nation_update",
    "organisation_set_up",
    "membership_end",
    "membership_grant",
    "membership_revoke",
    "memberships_end",
    "people_import",
    "person_create",
    "person_invite",
    "person_leave",
    "person_update",
    "wellbeing_plan_update",
]

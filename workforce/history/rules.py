"""The history app's entries in the one access layer (workforce/access.py).

The audit page (row history and the read log) is for administrators, per organisation: an
administrator sees the rows of the organisations where they hold that capacity and no
others. It says who did what to which record and when; never a narrative, note or plan.

Imported from HistoryConfig.ready(), so the rule is registered before any request.
"""

from __future__ import annotations

from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Organisation

# This app's scopes and rules, read by the access layer (settings.ACCESS_RULES).
RULEBOOK = access.RuleBook()


@RULEBOOK.rule(Organisation, "view_audit")
def _view_audit(user, organisation: Organisation) -> bool:
    return access.has_capacity(user, *groups.AUDITORS, organisation_id=organisation.pk)


def audit_organisation_ids(user) -> set[int]:
    """The organisations whose audit trail `user` may read (empty: no audit page at all)."""
    return access.organisation_ids(user, *groups.AUDITORS)

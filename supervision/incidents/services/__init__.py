"""Every write to incidents: keyword-only, atomic, the incident row locked and its state
checked, each step appended to the chronology and the audit trail. Import them from here."""

from supervision.incidents.services.base import IncidentError
from supervision.incidents.services.closing import (
    action_complete,
    incident_add_action,
    incident_close,
    incident_review,
)
from supervision.incidents.services.report import (
    CORRECTABLE,
    incident_correct,
    incident_report,
    incident_restrict_visibility,
    policy_update,
)
from supervision.incidents.services.safeguarding import (
    incident_record_abuse_types,
    incident_record_dbs,
    incident_record_personal,
)
from supervision.incidents.services.workflow import (
    incident_acknowledge,
    incident_escalate,
    incident_lift_restriction,
    incident_record_referral,
    incident_restrict,
    incident_triage,
)

__all__ = [
    "CORRECTABLE",
    "IncidentError",
    "action_complete",
    "incident_acknowledge",
    "incident_add_action",
    "incident_close",
    "incident_correct",
    "incident_escalate",
    "incident_lift_restriction",
    "incident_record_abuse_types",
    "incident_record_dbs",
    "incident_record_personal",
    "incident_record_referral",
    "incident_report",
    "incident_restrict",
    "incident_restrict_visibility",
    "incident_review",
    "incident_triage",
    "policy_update",
]

"""The incidents app's models, one module per area; import them from here."""

from supervision.incidents.models.choices import (
    HIDDEN_FROM_WORKER,
    MANDATORY_SEVERITIES,
    OPEN_STATES,
    OPTIONAL_SEVERITIES,
    AbuseType,
    Agency,
    Category,
    DbsDecision,
    EventKind,
    NoticeKind,
    Outcome,
    ReferralConsent,
    Safeguarding,
    Severity,
    State,
    TriageDecision,
    escalation_is_mandatory,
)
from supervision.incidents.models.incident import Incident
from supervision.incidents.models.policy import IncidentNotice, IncidentPolicy
from supervision.incidents.models.records import (
    IncidentAction,
    IncidentEvent,
    IncidentRecurrence,
    IncidentReferral,
)

__all__ = [
    "HIDDEN_FROM_WORKER",
    "MANDATORY_SEVERITIES",
    "OPEN_STATES",
    "OPTIONAL_SEVERITIES",
    "AbuseType",
    "Agency",
    "Category",
    "DbsDecision",
    "EventKind",
    "Incident",
    "IncidentAction",
    "IncidentEvent",
    "IncidentNotice",
    "IncidentPolicy",
    "IncidentRecurrence",
    "IncidentReferral",
    "NoticeKind",
    "Outcome",
    "ReferralConsent",
    "Safeguarding",
    "Severity",
    "State",
    "TriageDecision",
    "escalation_is_mandatory",
]

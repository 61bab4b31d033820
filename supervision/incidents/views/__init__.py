"""The incident pages; thin: parse, call a service or selector, render."""

from supervision.incidents.views.detail import detail, report
from supervision.incidents.views.lists import (
    escalations,
    incident_list,
    my_reports,
    person_chronology,
    triage_queue,
)
from supervision.incidents.views.policy import policy
from supervision.incidents.views.steps import (
    abuse_types,
    acknowledge,
    action_add,
    action_complete,
    close,
    correct,
    dbs,
    escalate,
    leads_only,
    personal,
    referral,
    review,
    triage,
    visibility,
)

__all__ = [
    "abuse_types",
    "acknowledge",
    "action_add",
    "action_complete",
    "close",
    "correct",
    "dbs",
    "detail",
    "escalate",
    "escalations",
    "incident_list",
    "leads_only",
    "my_reports",
    "person_chronology",
    "personal",
    "policy",
    "referral",
    "report",
    "review",
    "triage",
    "triage_queue",
    "visibility",
]

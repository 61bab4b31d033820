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
    acknowledge,
    action_add,
    action_complete,
    close,
    correct,
    escalate,
    leads_only,
    referral,
    review,
    triage,
    visibility,
)

__all__ = [
    "acknowledge",
    "action_add",
    "action_complete",
    "close",
    "correct",
    "detail",
    "escalate",
    "escalations",
    "incident_list",
    "leads_only",
    "my_reports",
    "person_chronology",
    "policy",
    "referral",
    "report",
    "review",
    "triage",
    "triage_queue",
    "visibility",
]

"""Supervision pages. Views stay thin: parse, call a selector or service, render."""

from supervision.views.compliance import compliance, compliance_export, team_compliance
from supervision.views.reading import mine, record, session_detail, session_list, supervisees
from supervision.views.writing import (
    action_add,
    action_complete,
    confirm,
    correct,
    dispute,
    log,
    log_given,
    withdraw,
)

__all__ = [
    "action_add",
    "action_complete",
    "compliance",
    "compliance_export",
    "confirm",
    "correct",
    "dispute",
    "log",
    "log_given",
    "mine",
    "record",
    "session_detail",
    "session_list",
    "supervisees",
    "team_compliance",
    "withdraw",
]

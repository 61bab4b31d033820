"""Labels and badges for supervision pages."""

from django import template

from roles.choices import SupervisionKind
from supervision.choices import Answer, SessionStatus
from supervision.choices import ComplianceStatus as Status

register = template.Library()

# Status -> Bootstrap badge classes. The words are always shown too: never colour alone.
COMPLIANCE_CLASSES = {
    Status.NEVER: "text-bg-danger",
    Status.OVERDUE: "text-bg-danger",
    Status.DUE_SOON: "text-bg-warning",
    Status.IN_DATE: "text-bg-success",
}
SESSION_CLASSES = {
    SessionStatus.AWAITING: "text-bg-warning",
    SessionStatus.CONFIRMED: "text-bg-success",
    SessionStatus.DISPUTED: "text-bg-danger",
    SessionStatus.WITHDRAWN: "text-bg-secondary",
}
# One attendee's answer to a group log, as the session page lists them.
ANSWER_LABELS = {
    Answer.AWAITING: "not answered yet",
    Answer.CONFIRMED: "confirmed",
    Answer.DISPUTED: "disputed",
}
KIND_LABELS = dict(SupervisionKind.choices)


@register.filter
def compliance_label(status: str) -> str:
    return Status.LABELS.get(status, status)


@register.filter
def compliance_class(status: str) -> str:
    return COMPLIANCE_CLASSES.get(status, "text-bg-secondary")


@register.filter
def session_class(status: str) -> str:
    return SESSION_CLASSES.get(status, "text-bg-secondary")


@register.filter
def answer_label(answer: str) -> str:
    return ANSWER_LABELS.get(answer, answer)


@register.filter
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@register.filter
def person_name(user) -> str:
    """A login's full name from its person record, or its username."""
    person = getattr(user, "person", None)
    return person.full_name if person else user.get_username()

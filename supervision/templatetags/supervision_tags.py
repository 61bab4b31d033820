"""Labels and badges for supervision pages, and the home page panel."""

from django import template
from django.utils import timezone

from supervision import rules, selectors, services
from supervision.models import SupervisionSession
from supervision.selectors.compliance import Status
from workforce.organisations import access
from workforce.organisations.models import Capacity

register = template.Library()

# Status -> Bootstrap badge classes. The words are always shown too: never colour alone.
COMPLIANCE_CLASSES = {
    Status.NEVER: "text-bg-danger",
    Status.OVERDUE: "text-bg-danger",
    Status.DUE_SOON: "text-bg-warning",
    Status.IN_DATE: "text-bg-success",
}
SESSION_CLASSES = {
    SupervisionSession.Status.AWAITING: "text-bg-warning",
    SupervisionSession.Status.CONFIRMED: "text-bg-success",
    SupervisionSession.Status.DISPUTED: "text-bg-danger",
}
KIND_LABELS = dict(SupervisionSession.Kind.choices)


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
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@register.filter
def person_name(user) -> str:
    """A login's full name from its person record, or its username."""
    person = getattr(user, "person", None)
    return person.full_name if person else user.get_username()


@register.inclusion_tag("supervision/partials/home_panel.html", takes_context=True)
def supervision_home(context):
    """Open actions and logs waiting for an answer, on the home page of everyone in a
    session, until they are done."""
    user = context["request"].user
    if not access.has_capacity(user, *rules.SUPERVISING_CAPACITIES, Capacity.PEER_WORKER):
        # Only people who can be in a session have anything here: spare the queries.
        return {}
    actions = list(selectors.open_actions(user)[:20])
    # The panel shows the actions' words: the read log notes who saw them, as on every page.
    services.log_actions_shown(user, actions, context["request"].path)
    return {
        "actions": actions,
        # The panel names only who logged each session: the other parties' joins and the
        # supervisees' prefetch were most of this query's planning (bench/README.md).
        "awaiting": list(
            selectors.awaiting_answer(user)
            .select_related(None)
            .select_related("logged_by__person")
            .prefetch_related(None)[:10]
        ),
        "today": timezone.localdate(),
        "request": context["request"],
    }

"""The home page's panels, read before the page is drawn so the view shows what it costs.

"Needs your attention first": one panel per capacity held, each item a count (computed by
the database, from the owning app's own selector) and a link to the page where it is dealt
with. What other apps already list on the home page (open supervision actions, logs to
confirm, the role someone holds) is not repeated there: `home_panels` reads those from
their own apps' selectors, beside it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from payments.models import Claim
from payments.selectors import (
    approval_queue_count,
    batches_to_mark_paid_count,
    finance_waiting,
    my_claims,
)
from roles.models import RoleVersion
from supervision import selectors as supervision_selectors
from supervision.incidents.models import State
from supervision.incidents.selectors import escalations_queue, new_concerns, triage_count
from supervision.models import SessionAction, SupervisionSession
from supervision.selectors import (
    Status,
    my_compliance,
    organisation_summaries,
    supervisee_compliance,
)
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Capacity as C
from workforce.organisations.models import Organisation
from workforce.register.selectors.people import role_versions_for

C_LABELS = dict(C.choices)


@dataclass
class Item:
    label: str
    count: int | None
    url: str
    link_text: str
    urgent: bool = False
    detail: str = ""
    # Links to the records themselves, listed under the item: [(text, url)].
    entries: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Panel:
    capacity: str
    heading: str
    items: list[Item]


def _overdue_supervision(rows) -> int:

    return rows.filter(status__in=(Status.OVERDUE, Status.NEVER)).count()


def _lead(user) -> list[Item]:

    # The compliance page's own totals (kept until supervision data changes), so the
    # two pages always agree and the home page does not recount a whole organisation.
    overdue = 0
    led = access.organisation_ids(user, C.COPRODUCTION_LEAD)
    for organisation in Organisation.objects.filter(pk__in=led).order_by("pk"):
        total, _, _ = organisation_summaries(user, organisation)
        overdue += total.overdue + total.never
    approvals = approval_queue_count(user)
    triage = triage_count(user)
    return [
        Item(
            "Supervision overdue",
            overdue,
            reverse("supervision:compliance"),
            "See supervision compliance",
            overdue > 0,
        ),
        Item(
            "Claims waiting for your approval",
            approvals,
            reverse("payments:approvals"),
            "Approve claims",
            approvals > 0,
        ),
        Item(
            "Incidents waiting for triage",
            triage,
            reverse("incidents:triage_queue"),
            "Triage incidents",
            triage > 0,
        ),
    ]


def _supervisor(user) -> list[Item]:

    overdue = _overdue_supervision(supervisee_compliance(user).order_by())
    triage = triage_count(user)
    return [
        Item(
            "Supervisees overdue for supervision",
            overdue,
            reverse("supervision:supervisees"),
            "See your supervisees",
            overdue > 0,
        ),
        Item(
            "Incidents waiting for you to triage",
            triage,
            reverse("incidents:triage_queue"),
            "Triage incidents",
            triage > 0,
        ),
    ]


# How many new safeguarding concerns the home page lists one by one (the count is of all).
CONCERNS_LISTED = 10


def _safeguarding(user) -> list[Item]:

    counts = (
        escalations_queue(user)
        .order_by()
        .aggregate(
            waiting=Count("pk", filter=Q(state=State.ESCALATED)),
            overdue=Count("pk", filter=Q(is_overdue=True)),
        )
    )
    url = reverse("incidents:escalations")
    concerns = new_concerns(user)
    listed = list(concerns[:CONCERNS_LISTED])
    total = len(listed) if len(listed) < CONCERNS_LISTED else concerns.count()
    return [
        Item(
            "New safeguarding concerns not yet acknowledged",
            total,
            reverse("incidents:list") + "?state=open&sort=severity",
            "See open incidents, most serious first",
            total > 0,
            entries=[
                (
                    f"Boundary incident {incident.reference}: {incident.get_category_display()}"
                    f", {incident.get_peak_severity_display().lower()} severity, "
                    f"{incident.get_peak_safeguarding_display().lower()} "
                    f"({incident.get_state_display().lower()})",
                    reverse("incidents:detail", kwargs={"pk": incident.pk}),
                )
                for incident in listed
            ],
        ),
        Item(
            "Escalations overdue", counts["overdue"], url, "See escalations", counts["overdue"] > 0
        ),
        Item(
            "Escalations waiting for your acknowledgement",
            counts["waiting"],
            url,
            "See escalations",
            counts["waiting"] > 0,
        ),
    ]


def _finance(user) -> list[Item]:

    waiting = finance_waiting(user).filter(state=Claim.State.APPROVED).count()
    unpaid = batches_to_mark_paid_count(user)
    return [
        Item(
            "Approved claims waiting for a payment batch",
            waiting,
            reverse("payments:batch_new"),
            "Create a batch",
            waiting > 0,
        ),
        Item(
            "Batches to mark as paid",
            unpaid,
            reverse("payments:batches"),
            "See payment batches",
            unpaid > 0,
        ),
    ]


# A claim not approved stays on the home page this long, so its reason is read.
RETURNED_SHOWN = datetime.timedelta(weeks=4)


def _peer(user) -> list[Item]:

    S = Claim.State
    nearest = my_compliance(user).first()
    claims = (
        my_claims(user)
        .order_by()
        .aggregate(
            drafts=Count("pk", filter=Q(state=S.DRAFT)),
            waiting=Count("pk", filter=Q(state__in=(S.SUBMITTED, S.APPROVED, S.EXPORTED))),
            returned=Count(
                "pk",
                filter=Q(state=S.REJECTED, decided_at__gte=timezone.now() - RETURNED_SHOWN),
            ),
        )
    )
    items = []
    if nearest is not None:
        late = nearest.status in (Status.OVERDUE, Status.NEVER)
        items.append(
            Item(
                "Your next supervision",
                None,
                reverse("supervision:mine"),
                "See your supervision",
                late,
                f"{Status.LABELS[nearest.status]}: due {nearest.next_due:%-d %B %Y}",
            )
        )
    items += [
        Item(
            "Claims not approved in the last 4 weeks",
            claims["returned"],
            reverse("payments:my_claims"),
            "See why in your claims",
            claims["returned"] > 0,
        ),
        Item(
            "Claims you have not submitted yet",
            claims["drafts"],
            reverse("payments:my_claims"),
            "See your claims",
            claims["drafts"] > 0,
        ),
        Item(
            "Your claims on their way to being paid",
            claims["waiting"],
            reverse("payments:my_claims"),
            "See your claims",
        ),
    ]
    return items


def _admin(user) -> list[Item]:

    approvals = approval_queue_count(user)
    unpaid = batches_to_mark_paid_count(user)
    return [
        Item(
            "Claims waiting for approval",
            approvals,
            reverse("payments:approvals"),
            "Approve claims",
            approvals > 0,
        ),
        Item(
            "Batches to mark as paid",
            unpaid,
            reverse("payments:batches"),
            "See payment batches",
            unpaid > 0,
        ),
    ]


PANELS = [
    (C.COPRODUCTION_LEAD, "As co-production lead", _lead),
    (C.SUPERVISOR, "As supervisor", _supervisor),
    (C.SAFEGUARDING_LEAD, "As safeguarding lead", _safeguarding),
    (C.FINANCE, "For payments", _finance),
    (C.PEER_WORKER, "Your own work", _peer),
    (C.ADMIN, "As administrator", _admin),
]


def attention(user) -> list[Panel]:
    """One panel per capacity held; panels with something urgent first, and in each panel
    the urgent items first, so a phone's first screen shows what needs doing."""
    held = access.all_capacities(user)
    return _urgent_first(
        [
            Panel(capacity, heading, build(user))
            for capacity, heading, build in PANELS
            if capacity in held
        ]
    )


def _urgent_first(panels: list[Panel]) -> list[Panel]:
    for panel in panels:
        panel.items.sort(key=lambda item: not item.urgent)
    return sorted(panels, key=lambda panel: not any(item.urgent for item in panel.items))


# How many open actions and logs to confirm the home page lists (the supervision pages
# list them all).
ACTIONS_LISTED = 20
AWAITING_LISTED = 10


@dataclass
class HomePanels:
    """Everything the home page shows under "What you can do here", already read."""

    attention: list[Panel]
    role_versions: list[RoleVersion]
    # Open actions and logs waiting for an answer, for everyone who can be in a session.
    actions: list[SessionAction]
    awaiting: list[SupervisionSession]
    today: datetime.date


def _counted(listed: list, selector, user, limit: int) -> int:
    """How many there are, counting in the database only when the list was cut short (the
    selectors read the user's own sessions as they are built, so they are not built twice)."""
    return len(listed) if len(listed) < limit else selector(user).count()


def _supervision_panel(user, panels: HomePanels) -> Panel:
    """Logs to confirm and actions due, from the lists the page shows below: whoever can be
    in a session answers these first, whatever capacity they hold."""
    awaiting = _counted(
        panels.awaiting, supervision_selectors.awaiting_answer, user, AWAITING_LISTED
    )
    actions = _counted(panels.actions, supervision_selectors.open_actions, user, ACTIONS_LISTED)
    overdue = sum(1 for action in panels.actions if action.due_date < panels.today)
    return Panel(
        "",
        "From your supervision",
        [
            Item(
                "Sessions waiting for you to confirm",
                awaiting,
                "#supervision-awaiting" if awaiting else "",
                "Confirm or dispute them",
                awaiting > 0,
            ),
            Item(
                "Open actions from supervision",
                actions,
                "#supervision-actions" if actions else "",
                "See your actions",
                overdue > 0,
                f"{overdue} overdue" if overdue else "",
            ),
        ],
    )


def home_panels(user) -> HomePanels:
    panels = HomePanels(
        attention=attention(user),
        role_versions=role_versions_for(user),
        actions=[],
        awaiting=[],
        today=timezone.localdate(),
    )
    # Only people who can be in a session have supervision to show: spare the queries.
    if access.has_capacity(user, *groups.SUPERVISING, C.PEER_WORKER):
        panels.actions = list(supervision_selectors.open_actions(user)[:ACTIONS_LISTED])
        # The panel names only who logged each session: the other parties' joins and the
        # supervisees' prefetch were most of this query's planning (bench/README.md).
        panels.awaiting = list(
            supervision_selectors.awaiting_answer(user)
            .select_related(None)
            .select_related("logged_by__person")
            .prefetch_related(None)[:AWAITING_LISTED]
        )
        panels.attention = _urgent_first([_supervision_panel(user, panels), *panels.attention])
    return panels

"""Reads that incident pages, queues and reports share, always starting from the access
layer's scopes: a list shows only what the viewer may see, and every count is a count of
that, so nothing leaks through a number."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from roles.models import RoleExclusion
from supervision.incidents import deadlines, rules
from supervision.incidents.models import (
    HIDDEN_FROM_WORKER,
    OPEN_STATES,
    Incident,
    IncidentAction,
    IncidentEvent,
    IncidentNotice,
    IncidentRecurrence,
    IncidentReferral,
    NoticeKind,
    Severity,
    State,
)
from supervision.selectors import sessions_metadata_for
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Capacity as C
from workforce.register import rules as register_rules
from workforce.register.models import Assignment, Person
from workforce.register.selectors.people import name_matches

_SEVERITY_RANK = Case(
    When(severity=Severity.CRITICAL, then=Value(0)),
    When(severity=Severity.HIGH, then=Value(1)),
    When(severity=Severity.MODERATE, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def overdue_q(now: datetime.datetime | None = None, *, by_key: bool = False) -> Q:
    """Incidents with an open step past its deadline: triage, acknowledgement or an action.

    `by_key`: the incidents with a late action as a list of keys, read first (a filter, not
    a flag per row): as an EXISTS inside the OR, PostgreSQL tested every incident of the
    organisation to count a few dozen (bench/README.md).
    """
    now = now or deadlines.now()
    late_actions = IncidentAction.objects.filter(
        done_at__isnull=True, due_on__lt=timezone.localdate(now)
    )
    if by_key:
        late_ones = late_actions.values_list("incident_id", flat=True).distinct().order_by()
        late = Q(pk__in=list(late_ones))
    else:
        late = Q(Exists(late_actions.filter(incident=OuterRef("pk"))))
    return (
        Q(state=State.REPORTED, triage_due_at__lt=now)
        | Q(state=State.ESCALATED, acknowledge_due_at__lt=now)
        | late
    )


def visible(user) -> QuerySet[Incident]:
    """Every incident `user` may see, with what list rows show, annotated `is_overdue` and
    `recurs_visible`: a recurrence of an earlier incident that this user may see too (so a
    flag or a count never hints at an incident hidden from them)."""
    scope = access.scoped(user, Incident)
    return scope.select_related(
        "person", "organisation", "escalated_to__person", "reported_by__person"
    ).annotate(
        is_overdue=Case(
            When(overdue_q(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        recurs_visible=Exists(
            IncidentRecurrence.objects.filter(
                incident=OuterRef("pk"), earlier__in=scope.values("pk")
            )
        ),
    )


@dataclass(frozen=True)
class Filters:
    state: str = ""
    category: str = ""
    severity: str = ""
    overdue: bool = False
    recurrence: bool = False
    person: int | None = None
    sort: str = "newest"


SORTS = {
    "newest": ("Newest first", ["-reported_at", "-pk"]),
    "oldest": ("Oldest first", ["reported_at", "pk"]),
    "severity": ("Most severe first", [_SEVERITY_RANK, "-reported_at", "-pk"]),
    "occurred": ("Date it happened", ["-occurred_on", "-pk"]),
}


def incident_list(user, filters: Filters) -> QuerySet[Incident]:
    incidents = visible(user)
    if filters.state == "open":
        incidents = incidents.filter(state__in=OPEN_STATES)
    elif filters.state in State.values:
        incidents = incidents.filter(state=filters.state)
    if filters.category:
        incidents = incidents.filter(category=filters.category)
    if filters.severity:
        incidents = incidents.filter(severity=filters.severity)
    if filters.overdue:
        incidents = incidents.filter(is_overdue=True)
    if filters.recurrence:
        incidents = incidents.filter(recurs_visible=True)
    if filters.person:
        incidents = incidents.filter(person_id=filters.person)
    return incidents.order_by(*SORTS.get(filters.sort, SORTS["newest"])[1])


def my_reports(user) -> QuerySet[Incident]:
    return visible(user).filter(reported_by=user).order_by("-reported_at", "-pk")


def about_me(user) -> QuerySet[Incident]:
    return (
        visible(user)
        .filter(person_id__in=access.own_person_ids(user))
        .order_by("-reported_at", "-pk")
    )


def _waiting_for_triage(user, incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    leads = access.organisation_ids(user, *groups.INCIDENT_LEADS)
    triagers = access.organisation_ids(user, *groups.TRIAGERS)
    mine = Q(organisation_id__in=leads)
    if not triagers <= leads:  # a lead triages everyone there: no need to ask whom they supervise
        mine |= Q(person_id__in=register_rules.supervisee_ids(user))
    return incidents.filter(mine, organisation_id__in=triagers, state=State.REPORTED).exclude(
        person_id__in=access.own_person_ids(user)
    )


def triage_queue(user) -> QuerySet[Incident]:
    """Incidents waiting for triage that `user` may triage, the nearest deadline first."""
    return _waiting_for_triage(user, visible(user)).order_by("triage_due_at", _SEVERITY_RANK, "pk")


def triage_count(user) -> int:
    """How many incidents triage_queue(user) lists, without building what its rows show
    (a home page figure)."""
    return _waiting_for_triage(user, access.scoped(user, Incident)).count()


def escalations_queue(user) -> QuerySet[Incident]:
    """Open escalated incidents in the safeguarding lead's organisations, most urgent first:
    overdue, then waiting for acknowledgement by the nearest deadline, then by severity."""
    orgs = access.organisation_ids(user, C.SAFEGUARDING_LEAD)
    waiting = Case(
        When(state=State.ESCALATED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        visible(user)
        .filter(organisation_id__in=orgs, escalated_at__isnull=False, state__in=OPEN_STATES)
        .annotate(waiting=waiting)
        .order_by("-is_overdue", "waiting", "acknowledge_due_at", _SEVERITY_RANK, "pk")
    )


def new_concerns(user) -> QuerySet[Incident]:
    """Reports that alerted the safeguarding leads (escalation mandatory when reported, or made
    so by a correction) that no safeguarding lead has acknowledged yet, in the organisations
    where `user` is one, newest first. Once alerted an incident stays here whatever its later
    corrections, until it is acknowledged or triaged to supervision after a lead lifted it."""
    orgs = access.organisation_ids(user, C.SAFEGUARDING_LEAD)
    alerted = IncidentNotice.objects.filter(incident=OuterRef("pk"), kind=NoticeKind.CONCERN)
    return (
        access.scoped(user, Incident)
        .filter(organisation_id__in=orgs, state__in=(State.REPORTED, State.ESCALATED))
        .filter(Q(Exists(alerted)) | rules.mandatory_q())
        .order_by("-reported_at", "-pk")
    )


# --- Restricted to safeguarding leads (Caldicott): that it exists, never what it says.

# The only columns read for someone who may not read a restricted incident: no narrative,
# people, classification or notes ever reach their pages, so no template can show them.
_EXISTENCE = (
    "pk",
    "state",
    "reported_at",
    "triaged_at",
    "escalated_at",
    "acknowledged_at",
    "closed_at",
    "leads_only_at",
)


@dataclass(frozen=True)
class RestrictedIncident:
    pk: int
    state: str
    reported_at: datetime.datetime
    triaged_at: datetime.datetime | None
    escalated_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    leads_only_at: datetime.datetime

    @property
    def reference(self) -> str:
        return f"#{self.pk}"

    @property
    def state_label(self) -> str:
        return State(self.state).label


def restricted(user, *, mine: bool = False, limit: int = 100) -> list[RestrictedIncident]:
    """Restricted incidents `user` may know exist (rules.restricted_q), newest first, only
    those they reported if `mine`: only the columns of _EXISTENCE."""
    rows = Incident.objects.filter(rules.restricted_q(user))
    if mine:
        rows = rows.filter(reported_by=user)
    rows = rows.order_by("-reported_at", "-pk").values(*_EXISTENCE)[:limit]
    return [RestrictedIncident(**row) for row in rows]


def restricted_one(user, pk: int) -> RestrictedIncident | None:
    row = Incident.objects.filter(rules.restricted_q(user), pk=pk).values(*_EXISTENCE).first()
    return RestrictedIncident(**row) if row else None


def own_report(user, pk: int) -> Incident | None:
    """The original report of a restricted incident, for the person who wrote it: what they
    wrote and chose, nothing added since (rules.py says why)."""
    return (
        Incident.objects.filter(rules.restricted_q(user), pk=pk, reported_by=user)
        .select_related("person")
        .only(
            "pk",
            "person",
            "person__full_name",
            "person__preferred_name",
            "reported_at",
            "narrative",
            "told_someone",
            "told_whom",
            "reported_occurred_on",
            "reported_occurred_time",
            "reported_category",
            "reported_severity",
            "reported_safeguarding",
        )
        .first()
    )


def summary(incidents: QuerySet[Incident]) -> dict:
    """Counts for the dashboard panel, from `visible(user)` (or a filter of it).

    Small counts that indexes answer rather than one pass over every incident: in one
    aggregate the overdue and recurrence flags were worked out row by row for every incident
    the user may see, closed ones included, which grows with a trust's whole history
    (bench/README.md).
    """
    incidents = incidents.order_by()
    open_ones = incidents.filter(state__in=OPEN_STATES).values("state")
    by_state = dict(open_ones.annotate(n=Count("pk")).values_list("state", "n"))
    return {
        "by_state": [(State(state).label, by_state.get(state, 0), state) for state in OPEN_STATES],
        "open": sum(by_state.values()),
        "overdue": incidents.filter(overdue_q(by_key=True)).count(),
        "recurrences": incidents.filter(recurs_visible=True).count(),
        "total": incidents.count(),
    }


def chronology(user, incident: Incident) -> list[IncidentEvent]:
    """The incident's steps, oldest first. The worker it is about does not see the entries
    about hiding it from them (their reasons may say why telling them would be unsafe)."""
    events = (
        access.scoped(user, IncidentEvent)
        .filter(incident=incident)
        .select_related("actor__person")
        .order_by("at", "pk")
    )
    if rules.is_worker(user, incident):
        events = events.exclude(kind__in=HIDDEN_FROM_WORKER)
    return list(events)


def actions_of(user, incident: Incident) -> list[IncidentAction]:
    return list(
        access.scoped(user, IncidentAction)
        .filter(incident=incident)
        .select_related("owner__person", "done_by__person")
        .order_by("due_on", "pk")
    )


def referrals_of(user, incident: Incident) -> list[IncidentReferral]:
    return list(
        access.scoped(user, IncidentReferral)
        .filter(incident=incident)
        .select_related("recorded_by__person")
    )


def earlier_visible(user, incident: Incident) -> list[Incident]:
    """The earlier incidents this one recurs that `user` may see (never a count of the rest)."""
    return list(visible(user).filter(later=incident).order_by("occurred_on", "pk"))


def later_visible(user, incident: Incident) -> list[Incident]:
    return list(visible(user).filter(earlier=incident).order_by("occurred_on", "pk"))


def person_incidents(user, person: Person) -> list[Incident]:
    return list(visible(user).filter(person=person).order_by("-occurred_on", "-pk"))


def person_events(user, incidents: list[Incident]) -> list[IncidentEvent]:
    """Every step of the given incidents, newest first, for the per-worker chronology."""
    events = (
        access.scoped(user, IncidentEvent)
        .filter(incident__in=[incident.pk for incident in incidents])
        .select_related("actor__person", "incident")
        .order_by("-at", "-pk")
    )
    worker_ids = {i.pk for i in incidents if rules.is_worker(user, i)}
    if worker_ids:
        events = events.exclude(incident_id__in=worker_ids, kind__in=HIDDEN_FROM_WORKER)
    return list(events)


def supervision_metadata(user, person: Person):
    """When and how `person` was supervised (never what was said), from the supervision app,
    scoped by its own rules."""
    return list(sessions_metadata_for(user, person)[:50])


# --- Choices for forms.


def current_exclusions(person: Person) -> QuerySet[RoleExclusion]:
    """The exclusions of the role versions `person` holds today (what an incident may say was
    breached)."""
    versions = Assignment.objects.current().filter(person=person).values("role_version_id")
    return (
        RoleExclusion.objects.filter(version_id__in=versions)
        .select_related("version")
        .order_by("version__title", "version_id", "position")
    )


def reportable_people(user) -> QuerySet[Person]:
    """Whom `user` may report an incident about: themselves, the people they supervise, and
    for leads everyone in their organisations."""
    members = access.organisation_ids(user, *groups.INCIDENT_USERS)
    leads = access.organisation_ids(user, *groups.INCIDENT_LEADS)
    return (
        Person.objects.filter(organisation_id__in=members)
        .filter(
            Q(user_id=user.pk)
            | Q(pk__in=register_rules.supervisee_ids(user))
            | Q(organisation_id__in=leads)
        )
        .exclude(status=Person.Status.LEFT)
        .select_related("organisation")
        .order_by("full_name", "pk")
    )


def first_named(people: QuerySet[Person], text: str, limit: int) -> tuple[QuerySet[Person], list]:
    """The first `limit` of `people` (in their order) whose name contains `text`, and the ids
    of at most `limit` + 1 who match: more than `limit` means the list was cut short."""
    if not text:
        return people.none(), []
    ids = list(people.filter(name_matches(text)).values_list("pk", flat=True)[: limit + 1])
    return people.filter(pk__in=ids[:limit]), ids


def safeguarding_leads(incident: Incident) -> QuerySet:
    """Who an incident may be escalated to: active safeguarding leads of its organisation."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation_id=incident.organisation_id,
            memberships__capacity=C.SAFEGUARDING_LEAD,
        )
        .exclude(pk=incident.person.user_id or 0)
        .select_related("person")
        .distinct()
        .order_by("person__full_name", "username")
    )


def action_owner_choices(incident: Incident) -> list:
    """Who may own an action: active people of the organisation who can see the incident
    (its leads, the worker's supervisors, the reporter, and the worker once they may see it)."""
    supervisors = Assignment.objects.current().filter(person_id=incident.person_id)
    who = (
        Q(memberships__capacity__in=groups.INCIDENT_LEADS)
        | Q(pk__in=supervisors.values("supervisor_id"))
        | Q(pk=incident.reported_by_id)
    )
    if incident.person.user_id:
        who |= Q(pk=incident.person.user_id)
    candidates = (
        get_user_model()
        .objects.filter(who, is_active=True, memberships__organisation_id=incident.organisation_id)
        .select_related("person")
        .distinct()
        .order_by("person__full_name", "username")
    )
    # The final word is the access rule itself (a handful of people, so a check each is fine).
    return [user for user in candidates if rules.may_view(user, incident)]

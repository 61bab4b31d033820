"""Test data builders, in one module: factory_boy factories, and plain functions that make
data the way people make it (through the services) or straight in the database.

Plain functions rather than fixtures because the access matrix rows (tests/*/matrix.py)
cannot see a sub-folder's fixtures: a matrix row gets `fixture` (request.getfixturevalue)
and builds what it needs from here. Fixtures themselves live in the conftest files."""

from __future__ import annotations

import datetime
import decimal

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from roles import services as role_services
from roles.models import EscalationStep, RoleDuty, RoleExclusion, SupervisionRequirement
from roles.models import TrainingRequirement as Training
from supervision import services as supervision_services
from supervision.incidents import deadlines
from supervision.incidents import services as incident_services
from supervision.incidents.models import Incident
from supervision.models import SupervisionSession
from supervision.services import ActionInput
from workforce.models import Assignment, Membership, Organisation, Person, Team
from workforce.register import services as register_services

PASSWORD = "test-pass-2026"


# --- Organisations and people


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.NHS_TRUST


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")

    # Hashed as the user is created: one INSERT, not an INSERT and an UPDATE.
    password = factory.django.Password(PASSWORD)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    full_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    capacity = Membership.Capacity.PEER_WORKER


def make_login(username, organisation, *capacities, full_name=None, **user_fields):
    """A user with a Person record and the given capacities in `organisation`."""
    user = UserFactory(username=username, **user_fields)
    PersonFactory(
        user=user,
        organisation=organisation,
        full_name=full_name or username.title(),
        email=user.email,
    )
    for capacity in capacities:
        MembershipFactory(user=user, organisation=organisation, capacity=capacity)
    return user


# --- Roles


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "roles.Role"

    organisation = factory.SubFactory(OrganisationFactory)
    family = "peer_support_worker"


class RoleVersionFactory(factory.django.DjangoModelFactory):
    """A draft version (the database only accepts new versions as drafts)."""

    class Meta:
        model = "roles.RoleVersion"

    role = factory.SubFactory(RoleFactory)
    number = 1
    title = factory.Sequence(lambda n: f"Peer support worker {n}")
    purpose = "Offer hope and practical support through shared lived experience."
    employment_basis = "employed"
    afc_band = "3"


def publish_version(version, *, by=None):
    """Mark a complete draft published straight in the database (no audit): test set-up only.
    Real publishing goes through roles.services.role_version_publish."""
    from django.utils import timezone

    from roles.models import RoleVersion

    RoleVersion.objects.filter(pk=version.pk).update(
        status="published", published_at=timezone.now(), published_by=by
    )
    version.refresh_from_db()
    return version


def make_role_version(
    organisation,
    *,
    title="Peer support worker",
    family="peer_support_worker",
    published=True,
    role=None,
    number=1,
    duties=("Build trusting relationships through shared experience",),
    exclusions=("Clinical advice", "Crisis intervention"),
    supervision=(("line_management", 56, 60),),
    escalation=(("Your supervisor", "Any worry about someone's safety", "same_day"),),
    training=(("Peer support foundation course", None),),
    **fields,
):
    """A role version with complete lists, published unless `published=False`."""
    from roles.models import (
        EscalationStep,
        RoleDuty,
        RoleExclusion,
        SupervisionRequirement,
        TrainingRequirement,
    )

    if role is None:
        role = RoleFactory(organisation=organisation, family=family)
    version = RoleVersionFactory(role=role, number=number, title=title, **fields)
    for i, text in enumerate(duties, start=1):
        RoleDuty.objects.create(version=version, position=i, text=text)
    for i, text in enumerate(exclusions, start=1):
        RoleExclusion.objects.create(version=version, position=i, text=text)
    for i, (kind, days, minutes) in enumerate(supervision, start=1):
        SupervisionRequirement.objects.create(
            version=version, position=i, kind=kind, min_frequency_days=days, min_minutes=minutes
        )
    for i, (who, for_what, how_fast) in enumerate(escalation, start=1):
        EscalationStep.objects.create(
            version=version, position=i, who=who, for_what=for_what, how_fast=how_fast
        )
    for i, (item, months) in enumerate(training, start=1):
        TrainingRequirement.objects.create(
            version=version, position=i, item=item, renewal_months=months
        )
    return publish_version(version) if published else version


def version_with(organisation, *requirements, title="Peer support worker", **fields):
    """A published role version with these (kind, every N days, minimum minutes).

    A thin wrapper over make_role_version: the same content straight in the database, with
    a default supervision requirement of line management every 28 days, not every 56."""
    return make_role_version(
        organisation,
        title=title,
        supervision=requirements or (("line_management", 28, 60),),
        **fields,
    )


DEFAULT_TRAINING = [("Safeguarding adults level 2", 12), ("Peer support induction", None)]


def _training(item: str, renewal_months: int | None, remind_days_before: int = 30) -> Training:
    return Training(item=item, renewal_months=renewal_months, remind_days_before=remind_days_before)


def published_version(
    organisation,
    by,
    *,
    title: str = "Peer support worker",
    family: str = "peer_support_worker",
    training=DEFAULT_TRAINING,
):
    """A published role version made the way a lead makes one, through the roles services.
    Each training row is (item, renewal months) or (item, renewal months, reminder days).

    Not a duplicate of make_role_version: this one is validated and audited by the services
    (it needs `by`), and its content differs (DEFAULT_TRAINING, one exclusion)."""
    content = role_services.RoleContent(
        title=title,
        afc_band="3",
        duties=[RoleDuty(text="Share lived experience to build hope")],
        exclusions=[RoleExclusion(text="Clinical advice")],
        supervision_requirements=[
            SupervisionRequirement(kind="line_management", min_frequency_days=56, min_minutes=60)
        ],
        escalation_steps=[
            EscalationStep(
                who="Supervisor", for_what="Any worry about a boundary", how_fast="same_day"
            )
        ],
        training_requirements=[_training(*row) for row in training],
    )
    draft = role_services.role_create(
        organisation=organisation, family=family, content=content, by=by
    )
    return role_services.role_version_publish(version=draft, by=by)


def newer_version(version, by, *, title: str | None = None):
    """Version n+1 of the same role, published (so `version` becomes superseded)."""
    draft, _ = role_services.role_version_new_draft_from(version=version, by=by)
    content = role_services.RoleContent(
        **{name: getattr(draft, name) for name in role_services.CONTENT_FIELDS},
        **{name: list(getattr(draft, name).all()) for name, _, _ in role_services.LISTS},
    )
    content.title = title or f"{version.title} (revised)"
    role_services.role_version_update_draft(version=draft, content=content, by=by)
    return role_services.role_version_publish(version=draft, by=by)


# --- Workforce register: assignments, training, wellbeing plans, diversity answers. The
# database keeps person, team and role in one organisation, so they share `organisation`.


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A current assignment to a published role version, with a named supervisor."""

    class Meta:
        model = "workforce.Assignment"

    class Params:
        organisation = factory.SubFactory(OrganisationFactory)

    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    team = factory.SubFactory(TeamFactory, organisation=factory.SelfAttribute("..organisation"))
    role_version = factory.LazyAttribute(lambda o: make_role_version(o.organisation))
    supervisor = factory.LazyAttributeSequence(
        lambda o, n: make_login(f"assignment-supervisor-{n}", o.organisation, "supervisor")
    )
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    hours_per_week = 22


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    """Training against the first requirement of the person's assignment's role version."""

    class Meta:
        model = "workforce.TrainingRecord"

    class Params:
        assignment = factory.SubFactory(AssignmentFactory)

    person = factory.SelfAttribute("assignment.person")
    requirement = factory.LazyAttribute(
        lambda o: o.assignment.role_version.training_requirements.first()
    )
    completed_on = factory.LazyFunction(timezone.localdate)


class WellbeingPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workforce.WellbeingPlan"

    person = factory.SubFactory(PersonFactory)
    keeps_me_well = "Regular breaks and a walk at lunchtime."
    adjustments_agreed = "A later start on Mondays."


class DiversityProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workforce.DiversityProfile"

    person = factory.SubFactory(PersonFactory)
    age = "prefer_not_to_say"


def assign(
    person: Person,
    version,
    *,
    supervisor,
    by,
    team: Team | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    hours: str = "22.5",
):
    """An assignment made through the register's service (its checks and audit), by `by`;
    assign_direct writes one straight to the database instead."""
    return register_services.assignment_create(
        person=person,
        role_version=version,
        team=team or person.organisation.teams.order_by("pk").first(),
        supervisor=supervisor,
        start_date=start or timezone.localdate() - datetime.timedelta(days=30),
        end_date=end,
        hours_per_week=decimal.Decimal(hours),
        by=by,
    )


def assign_direct(person, version, *, supervisor, start=None, end=None, team=None, previous=None):
    """An assignment created straight in the database (no service checks, no audit), since
    90 days ago unless `start` says otherwise; `previous` links it to the one it follows."""
    return Assignment.objects.create(
        person=person,
        role_version=version,
        team=team or person.organisation.teams.order_by("pk").first(),
        supervisor=supervisor,
        start_date=start or days_ago(90),
        end_date=end,
        hours_per_week=decimal.Decimal("22.5"),
        previous=previous,
    )


def make_peer_assignment(fixture):
    """`peer` in a published role, supervised by `supervisor`: for matrix rows."""
    org, lead = fixture("org"), fixture("lead")
    version = published_version(org, lead)
    return assign(fixture("peer").person, version, supervisor=fixture("supervisor"), by=lead)


# --- Supervision

# A token planted in private notes and actions: it must never reach anyone but the parties.
SECRET = "PRIVATE-NOTE-7f3a9c"


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def make_supervision_session(
    *,
    supervisor,
    supervisees,
    date=None,
    kind="line_management",
    minutes=60,
    format="in_person",
    status="confirmed",
    logged_by=None,
    notes="",
    topics=(),
):
    """A session straight in the database (no audit, no service checks): test set-up only.
    Real logging goes through supervision.services.session_log. Logged by the first
    supervisee unless `logged_by` says otherwise; confirmed or disputed by the other party."""
    from django.utils import timezone

    from supervision.models import SessionNote, SessionSupervisee, SupervisionSession

    date = date or timezone.localdate()
    logged_by = logged_by or supervisees[0].user
    other = supervisees[0].user if logged_by.pk == supervisor.pk else supervisor
    now = timezone.now()
    answered = {}
    if status == "confirmed":
        answered = {"confirmed_by": other, "confirmed_at": now}
    elif status == "disputed":
        answered = {"disputed_by": other, "disputed_at": now, "dispute_reason": "Not like that."}
    session = SupervisionSession.objects.create(
        organisation_id=supervisees[0].organisation_id,
        supervisor=supervisor,
        date=date,
        minutes=minutes,
        kind=kind,
        format=format,
        status=status,
        logged_by=logged_by,
        **answered,
    )
    SessionSupervisee.objects.bulk_create(
        SessionSupervisee(session=session, person=p, supervisor=supervisor, date=date, kind=kind)
        for p in supervisees
    )
    SessionNote.objects.create(session=session, text=notes, topics=list(topics))
    return session


def supervised_peers(fixture):
    """`peer` and `peer2` in a published role (line management every 28 days, 60 minutes),
    both supervised by `supervisor` since 90 days ago."""
    org = fixture("org")
    version = version_with(org)
    supervisor = fixture("supervisor")
    return {
        "version": version,
        "peer": assign_direct(fixture("peer").person, version, supervisor=supervisor),
        "peer2": assign_direct(fixture("peer2").person, version, supervisor=supervisor),
    }


def logged_by_peer(fixture, *, notes=SECRET, action=True, days=3):
    """A session `peer` logged with `supervisor`, waiting for confirmation, with private
    notes and an action that both carry SECRET."""
    supervised_peers(fixture)
    peer, supervisor = fixture("peer"), fixture("supervisor")
    date = days_ago(days)
    actions = (
        [ActionInput(text=f"Read the lone working policy {SECRET}", owner=peer, due_date=date)]
        if action
        else []
    )
    return supervision_services.session_log(
        logged_by=peer,
        supervisor=supervisor,
        supervisees=[peer.person],
        date=date,
        minutes=60,
        kind="line_management",
        format="in_person",
        topics=["boundaries", "wellbeing"],
        notes=notes,
        actions=actions,
    )


# Supervision's access matrix rows (tests/supervision/matrix.py): URL kwargs for each page.


def matrix_session(fixture) -> dict:
    # Several pages of one session (it, its correction form) share the one peer logged.
    peer = fixture("peer")
    logged = SupervisionSession.objects.filter(logged_by=peer).order_by("pk").first()
    return {"pk": (logged or logged_by_peer(fixture)).pk}


def matrix_action(fixture) -> dict:
    return {"pk": logged_by_peer(fixture).actions.get().pk}


def matrix_person(fixture) -> dict:
    supervised_peers(fixture)
    return {"pk": fixture("peer").person.pk}


def matrix_team(fixture) -> dict:
    supervised_peers(fixture)
    return {"pk": fixture("org").teams.order_by("pk").first().pk}


def matrix_organisation(fixture) -> dict:
    supervised_peers(fixture)
    return {"pk": fixture("org").pk}


# --- Boundary incidents: in any state, made the way people make them (through the services).
#
# The standard cast: `peer` holds a published role (with the exclusion "Clinical advice") and
# is supervised by `supervisor`; `supervisor` reports; `safeguarding` is the safeguarding lead,
# passed as `safeguarding_lead` (the incident's own `safeguarding` concern goes in `fields`).


def report_incident(reporter, person, **fields):
    """A boundary incident reported through the service (so it has its chronology and audit
    entry); `fields` override the defaults below."""
    values = {
        "occurred_on": deadlines.today(),
        "category": "gifts_or_money",
        "severity": "moderate",
        "safeguarding": "none",
        "narrative": "A person the worker supports gave them a gift card at the end of a session.",
    }
    values.update(fields)
    return incident_services.incident_report(by=reporter, person=person, **values)


def supervise(org, lead, worker, supervisor):
    """`worker` in a published role in `org`, supervised by `supervisor`; the version."""
    version = published_version(org, lead)
    assign(worker.person, version, supervisor=supervisor, by=lead)
    # Incidents are dated within the worker's time here; tests date some years back.
    if worker.person.start_date is None:
        type(worker.person).objects.filter(pk=worker.person.pk).update(
            start_date=datetime.date(2010, 1, 1)
        )
        worker.person.start_date = datetime.date(2010, 1, 1)
    return version


def incident_in(
    state: str,
    *,
    reporter,
    worker,
    manager,
    safeguarding_lead,
    route: str = "",
    **fields,
) -> Incident:
    """An incident about `worker` moved along the workflow to `state`.

    `route` is "supervision" or "escalate" (default: escalate for escalated states and for
    anything that must be escalated, supervision otherwise); `manager` triages and manages.
    """
    incident = report_incident(reporter, worker.person, **fields)
    if state == "reported":
        return incident
    route = route or (
        "escalate"
        if state in ("escalated", "acknowledged") or incident.escalation_mandatory
        else "supervision"
    )
    incident_services.incident_triage(
        incident=incident,
        by=manager,
        decision=route,
        reason="Triage reason.",
        escalate_to=safeguarding_lead if route == "escalate" else None,
    )
    if state in ("triaged", "escalated"):
        return _fresh(incident)
    if route == "escalate":
        incident_services.incident_acknowledge(
            incident=incident, by=safeguarding_lead, note="On it."
        )
        if state == "acknowledged":
            return _fresh(incident)
        manager = safeguarding_lead
    incident_services.incident_review(incident=incident, by=manager, notes="Review notes.")
    if route == "escalate":
        # Ready to close: an escalated incident closes only with this recorded.
        record_personal(incident, safeguarding_lead)
    if state == "in_review":
        return _fresh(incident)
    incident_services.incident_close(
        incident=_fresh(incident),
        by=manager,
        outcome="training",
        learning="Learning for the team.",
        no_referral_reason="Nobody at risk." if route == "escalate" else "",
    )
    return _fresh(incident)


def record_personal(incident: Incident, lead, **fields) -> Incident:
    """Making Safeguarding Personal, as a safeguarding lead records it (needed to close an
    escalated incident)."""
    fields = {
        "views": "They want the contact to stop and to carry on coming to the group.",
        "consent": "given",
        "capacity_considered": True,
        "capacity_note": "Able to decide; nothing suggested otherwise.",
        **fields,
    }
    return incident_services.incident_record_personal(incident=_fresh(incident), by=lead, **fields)


def _fresh(incident: Incident) -> Incident:
    return Incident.objects.get(pk=incident.pk)


def at(day: str, time: str = "10:00") -> datetime.datetime:
    """An aware local datetime, e.g. at("2026-03-02", "09:30")."""
    naive = datetime.datetime.fromisoformat(f"{day}T{time}")
    return timezone.make_aware(naive)


def frozen(day: str, time: str = "10:00"):
    return deadlines.frozen(at(day, time))


# --- Payments (rate cards, activities, claims, expenses, limits).


class RateCardFactory(factory.django.DjangoModelFactory):
    """A card with the five NIHR seed rows (pass tiers={tier: fee} to change fees)."""

    class Meta:
        model = "payments.RateCard"
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = "NIHR involvement rates (seed table)"
    effective_from = datetime.date(2000, 1, 1)

    @factory.post_generation
    def tiers(self, create, extracted, **kwargs):
        from payments.models import RateCardTier, seed_rows

        if not create:
            return
        rows = {row["tier"]: row for row in seed_rows()}
        fees = extracted or {tier: row["fee"] for tier, row in rows.items()}
        RateCardTier.objects.bulk_create(
            RateCardTier(card=self, **(rows[tier] | {"fee": fee})) for tier, fee in fees.items()
        )


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.Activity"

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Involvement activity {n}")
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    cost_code = "INV-001"


class BenefitsThresholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.BenefitsThreshold"

    organisation = factory.SubFactory(OrganisationFactory)
    name = "ESA permitted work limit"
    period = "week"
    amount = decimal.Decimal("195.50")
    effective_from = datetime.date(2025, 4, 1)


def make_claim(user, *, state="draft", approver=None, finance=None, hours=2, **fields):
    """A claim by `user`'s person driven through the real services to `state`
    (draft, submitted, approved, rejected, exported or paid)."""
    from payments import services

    fields.setdefault("preparation", "some")
    if not fields.get("activity"):
        fields.setdefault("description", "Reading group meeting")
        fields.setdefault("activity_date", timezone.localdate() - datetime.timedelta(days=3))
    claim = services.claim_create(
        person=user.person, by=user, duration_minutes=int(hours * 60), **fields
    )
    if state == "draft":
        return claim
    claim = services.claim_submit(claim=claim, by=user)
    if state == "submitted":
        return claim
    if state == "rejected":
        return services.claim_reject(claim=claim, by=approver, reason="Not involvement work")
    claim = services.claim_approve(claim=claim, approver=approver)
    if state == "approved":
        return claim
    batch = services.batch_create(
        organisation=claim.organisation, by=finance, cut_off=timezone.localdate()
    )
    claim.refresh_from_db()
    if state == "exported":
        return claim
    services.batch_mark_paid(
        batch=batch, by=finance, paid_on=timezone.localdate(), reference="BACS-0001"
    )
    claim.refresh_from_db()
    return claim


# Bytes for receipt uploads, one for each file type.
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def upload(name="receipt.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)

import datetime
import decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from workforce.models import Membership, Organisation, Person, Team

PASSWORD = "test-pass-2026"


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
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


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


# --- Supervision


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


# --- Boundary incidents


def report_incident(reporter, person, **fields):
    """A boundary incident reported through the service (so it has its chronology and audit
    entry); `fields` override the defaults below."""
    from supervision.incidents import deadlines, services

    values = {
        "occurred_on": deadlines.today(),
        "category": "gifts_or_money",
        "severity": "moderate",
        "safeguarding": "none",
        "narrative": "A person the worker supports gave them a gift card at the end of a session.",
    }
    values.update(fields)
    return services.incident_report(by=reporter, person=person, **values)


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

"""How long each kind of record is kept, and what happens when that time is up.

THESE ARE DEFAULTS. Each organisation's information governance (IG) lead sets its own
periods, in months, per record type (`manage.py retention_period`, stored as
RetentionPeriod rows and audited in that organisation); an installation may change the
defaults for every organisation in the `RETENTION_PERIODS` setting (for example
`RETENTION_PERIODS = {"supervision_notes": 96}`). Each period counts from the event the
Code counts from, and every rule runs organisation by organisation. The defaults follow
the NHS England Records Management Code of Practice 2023
(retention schedule) and HMRC's record-keeping rules, read for this service:

- leaver_personal_details, 72 months after the last day: the Code keeps staff records
  (personnel files) for 6 years after someone leaves (some trusts keep a summary until
  the 75th birthday; set a longer period if yours does). After that the person stays on
  the register only as "Former worker #<id>": name, preferred name, pronouns, email,
  phone and payee reference are blanked, and their login (if any) is renamed, emptied and
  switched off. Their assignments, training and supervision dates stay, with no name,
  so historic headcounts and compliance figures do not change.
- supervision_notes, 72 months after the last of the session's attendees left: the Code
  treats supervision records as part of the staff record, kept 6 years after the person
  leaves, so a note about someone still working here is never due, however old. The
  private notes are deleted; the session's date, format and attendance stay (with no
  words), for compliance history.
- wellbeing_plans, 12 months after the last day: a wellbeing plan exists to support
  someone at work; it has no use after they leave beyond a short time in case they come
  back. Deleted.
- diversity_profiles, 12 months after the last day: equality monitoring counts only the
  current register, so a leaver's answers serve nothing; kept a year for the annual
  workforce equality report. Deleted.
- payment_discussions, 72 months after the discussion: notes about how someone wants to be
  paid feed payment decisions, which HMRC expects to be evidenced for 6 years. Deleted.
- draft_claims, 12 months after last changed: a claim never sent for approval is not a
  financial record; a year is long enough to come back to it. Deleted with its expenses and
  receipt files.

What is retained, whatever its age, because the database itself refuses to change it (and
this job never goes round those guards):

- boundary incidents, from closure: boundary_incidents (minor ones) 120 months, the Code's
  10 years for incident records; serious_incidents (high or critical severity, as reported
  or corrected) and safeguarding_incidents (a safeguarding concern, as reported or
  corrected) 240 months, the Code's 20 years for serious incidents (the Code sets no
  separate period for a concern raised about a member of staff, so it is kept as a serious
  incident; confirm with your IG lead). The original report and chronology are
  unchangeable by design: the job counts those past the period so the IG lead can decide
  (for example to archive and remove them by a reviewed migration); it changes nothing.
- paid_claims (reported 72 months after the end of the tax year they were paid in, HMRC's
  6 years): exported and paid claims, finance batches and their lines (which carry the
  payee's name as it was when paid) are unchangeable. The claims themselves name nobody:
  once the leaver's details are anonymised, they point at "Former worker #<id>".
- audit entries: append-only, never removed or anonymised. Their summaries may name people;
  they are the record of who did what, kept for the life of the service.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from payments.models import Claim, PaymentDiscussion
from supervision.incidents.models import Incident
from supervision.models import SessionNote, SessionSupervisee
from workforce.organisations.models import Organisation
from workforce.platform import audit
from workforce.platform.models import RetentionPeriod
from workforce.platform.retention import Outcome, Rule, run
from workforce.register.models import DiversityProfile, Person, WellbeingPlan

DEFAULT_PERIODS = {
    "leaver_personal_details": 72,
    "supervision_notes": 72,
    "wellbeing_plans": 12,
    "diversity_profiles": 12,
    "payment_discussions": 72,
    "draft_claims": 12,
    "boundary_incidents": 120,
    "serious_incidents": 240,
    "safeguarding_incidents": 240,
    "paid_claims": 72,
}
ANONYMISED_PREFIX = "Former worker #"


def periods(organisation: Organisation | None = None) -> dict[str, int]:
    """Months per record type: the defaults, overridden by settings.RETENTION_PERIODS, and
    then by the organisation's own RetentionPeriod rows."""
    chosen = dict(getattr(settings, "RETENTION_PERIODS", {}) or {})
    unknown = set(chosen) - set(DEFAULT_PERIODS)
    if unknown:
        raise ValueError(
            f"RETENTION_PERIODS names unknown record types: {', '.join(sorted(unknown))}. "
            f"Known: {', '.join(DEFAULT_PERIODS)}."
        )
    for key, months in chosen.items():
        if not isinstance(months, int) or months < 1:
            raise ValueError(f"RETENTION_PERIODS[{key!r}] must be a whole number of months.")
    own = {}
    if organisation is not None:
        own = dict(
            RetentionPeriod.objects.filter(organisation=organisation).values_list(
                "record_type", "months"
            )
        )
    return {**DEFAULT_PERIODS, **chosen, **own}


# --- What is due, per record type and organisation: querysets of records strictly older
# than the cut-off, each with `why(record)`, the plain reason a dry run prints.


def _leavers_due(cut: datetime.date, org: Organisation) -> models.QuerySet:
    return Person.objects.filter(
        organisation=org, status=Person.Status.LEFT, end_date__lt=cut
    ).exclude(full_name__startswith=ANONYMISED_PREFIX)


def _supervision_notes_due(cut: datetime.date, org: Organisation) -> models.QuerySet:

    # Anyone in the session who has not left, or left on or after the cut-off, keeps it.
    staying = SessionSupervisee.objects.filter(session=models.OuterRef("session")).exclude(
        person__status=Person.Status.LEFT, person__end_date__lt=cut
    )
    return (
        SessionNote.objects.filter(session__organisation=org, session__date__lt=cut)
        .exclude(models.Exists(staying))
        .annotate(last_left=models.Max("session__supervisee_links__person__end_date"))
        .select_related("session")
    )


def _wellbeing_due(cut: datetime.date, org: Organisation) -> models.QuerySet:
    return WellbeingPlan.objects.filter(
        person__organisation=org, person__status=Person.Status.LEFT, person__end_date__lt=cut
    ).select_related("person")


def _diversity_due(cut: datetime.date, org: Organisation) -> models.QuerySet:
    return DiversityProfile.objects.filter(
        person__organisation=org, person__status=Person.Status.LEFT, person__end_date__lt=cut
    ).select_related("person")


def _discussions_due(cut: datetime.date, org: Organisation) -> models.QuerySet:

    return PaymentDiscussion.objects.filter(
        person__organisation=org, held_on__lt=cut
    ).select_related("person")


def _start_of(day: datetime.date) -> datetime.datetime:

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _drafts_due(cut: datetime.date, org: Organisation) -> models.QuerySet:

    return Claim.objects.filter(
        organisation=org, state=Claim.State.DRAFT, updated_at__lt=_start_of(cut)
    )


def _incident_classes() -> dict[str, models.Q]:
    """Which retention class a closed incident is in, judged on what was reported as well as
    on any correction since: a downgrade never shortens how long it is kept."""

    serious = ["high", "critical"]
    none = Incident.Safeguarding.NONE
    # The most serious ever recorded (peak_*), which a safeguarding lead's lifted
    # escalation may lower, and what was first reported, which nothing changes.
    safeguarding = ~models.Q(reported_safeguarding=none) | ~models.Q(peak_safeguarding=none)
    severe = models.Q(reported_severity__in=serious) | models.Q(peak_severity__in=serious)
    return {
        "safeguarding_incidents": safeguarding,
        "serious_incidents": severe & ~safeguarding,
        "boundary_incidents": ~severe & ~safeguarding,
    }


def _incidents_due(record_type: str) -> Callable:
    def due(cut: datetime.date, org: Organisation) -> models.QuerySet:

        return Incident.objects.filter(
            _incident_classes()[record_type], organisation=org, closed_at__lt=_start_of(cut)
        )

    return due


def _tax_year_end_before(cut: datetime.date) -> datetime.date:
    """Claims paid on or before this day belong to a tax year (6 April to 5 April) that
    ended before `cut`: 6 years counts from the end of the tax year, not the payment."""
    year = cut.year if cut >= datetime.date(cut.year, 4, 6) else cut.year - 1
    return datetime.date(year, 4, 5)


def _paid_due(cut: datetime.date, org: Organisation) -> models.QuerySet:

    return Claim.objects.filter(
        organisation=org, state=Claim.State.PAID, paid_on__lte=_tax_year_end_before(cut)
    )


def _on(day) -> str:
    return f"{day:%d/%m/%Y}" if day else "an unknown date"


WHY = {
    "leaver_personal_details": lambda p: f"person #{p.pk} left on {_on(p.end_date)}",
    "supervision_notes": lambda n: (
        f"notes of the session on {_on(n.session.date)}: everyone in it had left by "
        f"{_on(n.last_left)}"
    ),
    "wellbeing_plans": lambda r: f"person #{r.person_id} left on {_on(r.person.end_date)}",
    "diversity_profiles": lambda r: f"person #{r.person_id} left on {_on(r.person.end_date)}",
    "payment_discussions": lambda r: f"discussion #{r.pk} held on {_on(r.held_on)}",
    "draft_claims": lambda c: f"draft claim #{c.pk} last changed on {_on(c.updated_at)}",
    "boundary_incidents": lambda i: f"incident #{i.pk} closed on {_on(i.closed_at)}",
    "serious_incidents": lambda i: f"incident #{i.pk} closed on {_on(i.closed_at)}",
    "safeguarding_incidents": lambda i: f"incident #{i.pk} closed on {_on(i.closed_at)}",
    "paid_claims": lambda c: f"claim #{c.pk} paid on {_on(c.paid_on)}",
}


# --- What is done to each record once due. Each runs inside the job's transaction.


def _anonymise_leaver(person: Person) -> None:
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.full_name = f"{ANONYMISED_PREFIX}{person.pk}"
    person.preferred_name = person.pronouns = person.email = person.phone = ""
    person.payee_reference = ""
    person.save(
        update_fields=[
            "full_name",
            "preferred_name",
            "pronouns",
            "email",
            "phone",
            "payee_reference",
        ]
    )
    login = None
    if person.user_id:
        User = get_user_model()
        login = User.objects.select_for_update().get(pk=person.user_id)
        login.username = f"former-worker-{login.pk}"
        login.email = login.first_name = login.last_name = ""
        login.set_unusable_password()
        login.is_active = False
        login.save()  # the deactivation signal ends any session
    audit.record(
        actor=None,
        action="retention.anonymised",
        obj=person,
        summary=f"Personal details of former worker #{person.pk} removed: retention period "
        "for leavers passed",
        changes={"record_type": "leaver_personal_details", "login_anonymised": bool(login)},
    )


def _delete_note(note) -> None:
    session = note.session
    note.delete()
    audit.record(
        actor=None,
        action="retention.deleted",
        obj=session,
        summary=f"Private notes of the supervision session on {session.date:%d/%m/%Y} deleted: "
        "retention period passed",
        changes={"record_type": "supervision_notes"},
    )


def _delete_about_person(record_type: str, label: str) -> Callable:
    def apply(record) -> None:
        person = record.person
        record.delete()
        audit.record(
            actor=None,
            action="retention.deleted",
            obj=person,
            summary=f"{label} of person #{person.pk} deleted: retention period passed",
            changes={"record_type": record_type},
        )

    return apply


def _delete_draft(claim) -> None:
    files = [line.receipt.name for line in claim.expenses.all() if line.receipt]
    storage = claim.expenses.model._meta.get_field("receipt").storage
    pk = claim.pk
    audit.record(
        actor=None,
        action="retention.deleted",
        obj=claim,
        summary=f"Draft claim #{pk}, never sent for approval, deleted: retention period passed",
        changes={"record_type": "draft_claims", "receipts": len(files)},
    )
    claim.delete()
    # Files only once the rows are gone for good.
    transaction.on_commit(lambda: [storage.delete(name) for name in files])


RULES = [
    Rule(
        "leaver_personal_details",
        "Leavers' personal details",
        _leavers_due,
        _anonymise_leaver,
        "anonymised",
    ),
    Rule("supervision_notes", "Supervision notes", _supervision_notes_due, _delete_note),
    Rule(
        "wellbeing_plans",
        "Leavers' wellbeing plans",
        _wellbeing_due,
        _delete_about_person("wellbeing_plans", "Wellbeing plan"),
    ),
    Rule(
        "diversity_profiles",
        "Leavers' equality monitoring answers",
        _diversity_due,
        _delete_about_person("diversity_profiles", "Equality monitoring answers"),
    ),
    Rule(
        "payment_discussions",
        "Payment discussions",
        _discussions_due,
        _delete_about_person("payment_discussions", "A payment discussion"),
    ),
    Rule("draft_claims", "Draft claims never sent", _drafts_due, _delete_draft),
    Rule(
        "boundary_incidents",
        "Closed minor boundary incidents",
        _incidents_due("boundary_incidents"),
        None,
    ),
    Rule(
        "serious_incidents",
        "Closed serious boundary incidents",
        _incidents_due("serious_incidents"),
        None,
    ),
    Rule(
        "safeguarding_incidents",
        "Closed incidents with a safeguarding concern",
        _incidents_due("safeguarding_incidents"),
        None,
    ),
    Rule("paid_claims", "Paid claims", _paid_due, None),
]


def apply_retention(
    *, today: datetime.date, dry_run: bool = False, organisation: Organisation | None = None
) -> list[Outcome]:
    """Apply every rule to every organisation (or one); all or nothing, in one transaction.
    Idempotent: what was done is no longer due, so a second run finds nothing. A dry run
    changes nothing and names what would go, and why."""
    periods()  # an unknown record type in the setting stops the run before anything
    organisations = [organisation] if organisation else list(Organisation.objects.order_by("pk"))
    return run(RULES, organisations, today=today, dry_run=dry_run, periods=periods, why=WHY)


@transaction.atomic
def retention_period_set(
    *, organisation: Organisation, record_type: str, months: int | None, by=None
) -> RetentionPeriod | None:
    """Set (or, with months=None, clear back to the default) one organisation's period for
    one record type, audited in that organisation."""
    if record_type not in DEFAULT_PERIODS:
        raise ValueError(
            f"Unknown record type {record_type!r}. Known: {', '.join(DEFAULT_PERIODS)}."
        )
    if months is not None and not 1 <= months <= 1200:
        raise ValueError("A retention period is a whole number of months from 1 to 1200.")
    before = periods(organisation)[record_type]
    row = None
    if months is None:
        RetentionPeriod.objects.filter(organisation=organisation, record_type=record_type).delete()
    else:
        row, _ = RetentionPeriod.objects.update_or_create(
            organisation=organisation,
            record_type=record_type,
            defaults={"months": months, "updated_by": by},
        )
    after = periods(organisation)[record_type]
    audit.record(
        actor=by,
        action="retention.period_set",
        obj=organisation,
        summary=f"Retention of {record_type.replace('_', ' ')}: {before} -> {after} months",
        changes={"record_type": record_type, "months": [before, after]},
    )
    return row

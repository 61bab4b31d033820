"""`manage.py apply_retention`: records just past each period are deleted or anonymised,
those just inside are left alone; audited; idempotent; --dry-run changes nothing."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from payments.models import Claim, PaymentDiscussion
from supervision.models import SessionNote, SupervisionSession
from tests.factories import PersonFactory, UserFactory, make_supervision_session
from workforce import retention
from workforce.models import AuditEntry, DiversityProfile, Person, WellbeingPlan
from workforce.platform.retention import cutoff

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _cut(key: str) -> datetime.date:
    return cutoff(TODAY, retention.DEFAULT_PERIODS[key])


def _run(*args) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def _leaver(org, name, last_day, **fields):
    return PersonFactory(
        organisation=org,
        full_name=name,
        status="left",
        end_date=last_day,
        leaving_reason="resigned",
        **fields,
    )


@pytest.fixture
def records(org, personas):
    six_years, one_year = _cut("leaver_personal_details"), _cut("wellbeing_plans")
    login = UserFactory(username="old.leaver@example.org", email="old.leaver@example.org")
    past = _leaver(org, "Old Leaver", six_years - DAY, user=login, phone="0161 1", pronouns="he")
    inside = _leaver(org, "Recent Leaver", six_years)
    # Wellbeing and equality answers: a year after leaving.
    plan_past = _leaver(org, "Plan Past", one_year - DAY)
    plan_inside = _leaver(org, "Plan Inside", one_year)
    for person in (plan_past, plan_inside):
        WellbeingPlan.objects.create(person=person, keeps_me_well="Walking the dog")
        DiversityProfile.objects.create(person=person)
    # Supervision notes count from the day the people in the session left (staff records).
    peer = personas["peer"].person
    note_past = make_supervision_session(
        supervisor=personas["supervisor"],
        supervisees=[past],
        date=six_years - 30 * DAY,
        logged_by=personas["supervisor"],
        status="awaiting",
        notes="Secret words",
    )
    note_inside = make_supervision_session(
        supervisor=personas["supervisor"],
        supervisees=[inside],
        date=six_years - 30 * DAY,
        logged_by=personas["supervisor"],
        status="awaiting",
        notes="Secret too",
    )
    talk = _cut("payment_discussions")
    talk_past, talk_inside = (
        PaymentDiscussion.objects.create(
            person=peer, held_on=day, held_with="Lead", recorded_by=personas["lead"]
        )
        for day in (talk - DAY, talk)
    )
    return {
        "past": past,
        "inside": inside,
        "plan_past": plan_past,
        "plan_inside": plan_inside,
        "note_past": note_past,
        "note_inside": note_inside,
        "talk_past": talk_past,
        "talk_inside": talk_inside,
        "login": login,
    }


def test_just_past_is_removed_and_just_inside_is_kept(records):
    output = _run()
    past = Person.objects.get(pk=records["past"].pk)
    assert past.full_name == f"Former worker #{past.pk}"
    assert (past.email, past.phone, past.pronouns, past.payee_reference) == ("", "", "", "")
    login = get_user_model().objects.get(pk=records["login"].pk)
    assert login.username == f"former-worker-{login.pk}"
    assert (login.email, login.is_active, login.has_usable_password()) == ("", False, False)
    assert Person.objects.get(pk=records["inside"].pk).full_name == "Recent Leaver"

    assert not WellbeingPlan.objects.filter(person=records["plan_past"]).exists()
    assert not DiversityProfile.objects.filter(person=records["plan_past"]).exists()
    assert WellbeingPlan.objects.filter(person=records["plan_inside"]).exists()
    assert DiversityProfile.objects.filter(person=records["plan_inside"]).exists()

    # The session stays (compliance history); only its private notes go.
    assert SupervisionSession.objects.filter(pk=records["note_past"].pk).exists()
    assert not SessionNote.objects.filter(session=records["note_past"]).exists()
    assert SessionNote.objects.get(session=records["note_inside"]).text == "Secret too"

    assert not PaymentDiscussion.objects.filter(pk=records["talk_past"].pk).exists()
    assert PaymentDiscussion.objects.filter(pk=records["talk_inside"].pk).exists()

    entries = AuditEntry.objects.filter(action__startswith="retention.")
    assert sorted(e.changes["record_type"] for e in entries) == [
        "diversity_profiles",
        "leaver_personal_details",
        "payment_discussions",
        "supervision_notes",
        "wellbeing_plans",
    ]
    # The audit trail says what was done, never the details removed.
    assert not any("Old Leaver" in e.summary or "Secret" in e.summary for e in entries)
    assert "Leavers' personal details (older than 72 months" in output
    assert ": 1 anonymised" in output
    assert "5 record(s) changed" in output


def test_nothing_removed_lives_on_in_the_row_history(records):
    """History tables are append-only, so they must never have held what retention removes."""
    from django.db import connection

    from workforce.history.models import event_models

    _run()
    removed = ["Old Leaver", "0161 1", "old.leaver@example.org", "Walking the dog", "Secret words"]
    tables = [model._meta.db_table for model in event_models()]
    assert "history_personevent" in tables
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT coalesce(string_agg(t::text, ' '), '') FROM {table} t")  # noqa: S608
            text = cursor.fetchone()[0]
            assert not [word for word in removed if word in text], table


def test_a_second_run_changes_nothing(records):
    _run()
    before = AuditEntry.objects.count()
    output = _run()
    assert AuditEntry.objects.count() == before
    assert "0 record(s) changed" in output


def test_dry_run_counts_and_changes_nothing(records):
    output = _run("--dry-run")
    assert "dry run, nothing changed" in output
    assert ": 1 would be anonymised" in output
    assert "5 record(s) would change" in output
    assert Person.objects.get(pk=records["past"].pk).full_name == "Old Leaver"
    assert SessionNote.objects.filter(session=records["note_past"]).exists()
    assert not AuditEntry.objects.filter(action__startswith="retention.").exists()


def test_draft_claims_untouched_for_a_year_go_and_sent_claims_stay(claims):
    cut = retention._start_of(_cut("draft_claims"))
    old_draft, fresh_draft = claims("peer", "draft"), claims("peer", "draft")
    paid = claims("peer", "paid")
    Claim.objects.filter(pk=old_draft.pk).update(updated_at=cut - datetime.timedelta(seconds=1))
    Claim.objects.filter(pk=fresh_draft.pk).update(updated_at=cut)
    output = _run()
    assert not Claim.objects.filter(pk=old_draft.pk).exists()
    assert Claim.objects.filter(pk=fresh_draft.pk).exists()
    assert Claim.objects.get(pk=paid.pk).state == "paid"
    assert AuditEntry.objects.get(action="retention.deleted").object_id == str(old_draft.pk)
    assert "Draft claims never sent" in output
    assert "Paid claims" in output and "kept: the database keeps them unchangeable" in output


def test_periods_come_from_the_setting(settings, records):
    settings.RETENTION_PERIODS = {"supervision_notes": 1}
    _run()
    # Both sessions are years old: with a one-month period both notes go.
    assert not SessionNote.objects.filter(
        session__in=[records["note_past"], records["note_inside"]]
    ).exists()


def test_an_unknown_record_type_in_the_setting_is_refused(settings, db):
    settings.RETENTION_PERIODS = {"supervision_note": 12}
    with pytest.raises(CommandError, match="unknown record types: supervision_note"):
        _run()


def test_paid_claims_count_from_the_end_of_the_tax_year():
    assert retention._tax_year_end_before(datetime.date(2020, 4, 6)) == datetime.date(2020, 4, 5)
    assert retention._tax_year_end_before(datetime.date(2020, 4, 5)) == datetime.date(2019, 4, 5)


# --- Issue 22, finding 3: the right clock, per organisation, and a dry run that says why.


def test_notes_about_someone_still_working_here_are_kept_however_old(org, personas):
    """Notes were removed 6 years after the session even while the worker was employed."""
    peer = personas["peer"].person
    ancient = make_supervision_session(
        supervisor=personas["supervisor"],
        supervisees=[peer],
        date=TODAY - datetime.timedelta(days=365 * 9),
        notes="Still here",
    )
    left_long_ago = _leaver(org, "Gone Long Ago", _cut("supervision_notes") - 400 * DAY)
    group = make_supervision_session(
        supervisor=personas["supervisor"],
        supervisees=[left_long_ago, peer],
        date=TODAY - datetime.timedelta(days=365 * 8),
        logged_by=personas["supervisor"],
        status="awaiting",
        notes="Group words",
    )
    alone = make_supervision_session(
        supervisor=personas["supervisor"],
        supervisees=[left_long_ago],
        date=TODAY - datetime.timedelta(days=365 * 8 + 1),
        logged_by=personas["supervisor"],
        status="awaiting",
        notes="Only them",
    )
    _run()
    assert SessionNote.objects.filter(session=ancient).exists()
    assert SessionNote.objects.filter(session=group).exists()  # peer is still employed
    assert not SessionNote.objects.filter(session=alone).exists()


def test_serious_and_safeguarding_incidents_are_kept_longer(
    org, lead, peer, supervisor, safeguarding
):
    """Serious and safeguarding incidents were kept no longer than minor ones."""
    from supervision.incidents import deadlines
    from tests import factories

    factories.supervise(org, lead, peer, supervisor)
    eleven_years_ago = deadlines.now() - datetime.timedelta(days=365 * 11)
    made = {}
    with deadlines.frozen(eleven_years_ago):
        for name, fields in {
            "minor": {"severity": "low"},
            "serious": {"severity": "critical"},
            "safeguarding": {"severity": "moderate", "safeguarding": "adult"},
        }.items():
            made[name] = factories.incident_in(
                "closed",
                reporter=supervisor,
                worker=peer,
                manager=supervisor,
                safeguarding_lead=safeguarding,
                occurred_on=eleven_years_ago.date(),
                **fields,
            )
    outcomes = {
        o.rule.key: o
        for o in retention.apply_retention(today=TODAY, dry_run=True, organisation=org)
    }
    assert outcomes["boundary_incidents"].count == 1
    assert outcomes["boundary_incidents"].reasons == [
        f"incident #{made['minor'].pk} closed on {made['minor'].closed_at:%d/%m/%Y}"
    ]
    assert outcomes["serious_incidents"].count == 0
    assert outcomes["safeguarding_incidents"].count == 0
    assert outcomes["serious_incidents"].months == 240


def test_each_organisation_keeps_its_own_periods(org, other_org, personas):
    ours = _leaver(org, "Ours", TODAY - 60 * DAY)
    theirs = _leaver(other_org, "Theirs", TODAY - 60 * DAY)
    for person in (ours, theirs):
        WellbeingPlan.objects.create(person=person, keeps_me_well="x")
    retention.retention_period_set(organisation=org, record_type="wellbeing_plans", months=1)
    assert retention.periods(org)["wellbeing_plans"] == 1
    assert retention.periods(other_org)["wellbeing_plans"] == 12
    entry = AuditEntry.objects.get(action="retention.period_set")
    assert entry.organisation_id == org.pk and entry.changes["months"] == [12, 1]
    _run()
    assert not WellbeingPlan.objects.filter(person=ours).exists()
    assert WellbeingPlan.objects.filter(person=theirs).exists()
    deleted = AuditEntry.objects.get(action="retention.deleted")
    assert deleted.organisation_id == org.pk


def test_a_period_out_of_range_or_an_unknown_type_is_refused(org):
    with pytest.raises(ValueError, match="1 to 1200"):
        retention.retention_period_set(organisation=org, record_type="wellbeing_plans", months=0)
    with pytest.raises(ValueError, match="Unknown record type"):
        retention.retention_period_set(organisation=org, record_type="notes", months=12)
    assert not AuditEntry.objects.exists()


def test_the_dry_run_lists_what_would_go_and_why(records):
    output = _run("--dry-run")
    past = records["past"]
    assert "Test NHS Trust:" in output and "Other Partner:" in output
    assert f"- person #{past.pk} left on {past.end_date:%d/%m/%Y}" in output
    assert "- notes of the session on" in output and "everyone in it had left by" in output


def test_retention_period_command_sets_and_lists(org):
    out = io.StringIO()
    call_command(
        "retention_period",
        "--organisation",
        org.name,
        "--record-type",
        "supervision_notes",
        "--months",
        "96",
        stdout=out,
    )
    assert "supervision_notes: 96 months (this organisation's own)" in out.getvalue()
    out = io.StringIO()
    call_command(
        "retention_period",
        "--organisation",
        org.name,
        "--record-type",
        "supervision_notes",
        "--default",
        stdout=out,
    )
    assert "supervision_notes: 72 months\n" in out.getvalue()
    with pytest.raises(CommandError, match="No organisation"):
        call_command("retention_period", "--organisation", "Nope")

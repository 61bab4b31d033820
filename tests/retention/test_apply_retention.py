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

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _cut(key: str) -> datetime.date:
    return retention.cutoff(TODAY, retention.DEFAULT_PERIODS[key])


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
    notes = _cut("supervision_notes")
    peer = personas["peer"].person
    note_past = make_supervision_session(
        supervisor=personas["supervisor"],
        supervisees=[peer],
        date=notes - DAY,
        notes="Secret words",
    )
    note_inside = make_supervision_session(
        supervisor=personas["supervisor"], supervisees=[peer], date=notes, notes="Secret too"
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

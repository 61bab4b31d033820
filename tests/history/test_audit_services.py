"""The audit page holds every service's audit entry as well as row history and the read log:
activities, benefits limits, payment preferences, rate cards, the incident deadline policy
and the rest, each filterable by record, action, who and date. Another organisation's
entries never appear, and a private entry (a wellbeing plan, diversity answers) shows that
something happened, never what changed."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from payments import services as payments
from payments.models import seed_rows
from supervision.incidents import services as incidents
from tests.factories import PersonFactory
from workforce.history import selectors
from workforce.models import AuditEntry, WellbeingPlan
from workforce.platform import audit
from workforce.register.services import private

SECRET = "NEVER-ON-THE-AUDIT-PAGE-5d2e"
AUDIT = reverse("history:audit")
EXPORT = reverse("history:audit_export")


@pytest.fixture
def changes(org, other_org, personas):
    """One of each setting change, made through its service by the people allowed to."""
    lead, admin = personas["lead"], personas["admin"]
    activity = payments.activity_create(
        organisation=org, by=lead, title="Interview panel", date=datetime.date(2026, 3, 2)
    )
    threshold = payments.threshold_create(
        organisation=org,
        by=lead,
        name="ESA permitted work",
        period="week",
        amount=Decimal("195.50"),
        effective_from=datetime.date(2026, 4, 1),
    )
    preference = payments.preference_set(
        person=personas["peer"].person, by=lead, method="reduced", reduced_amount=Decimal("20")
    )
    card = payments.rate_card_create(
        organisation=org,
        by=admin,
        name="Trust rates 2026",
        effective_from=datetime.date(2026, 4, 1),
        rows=seed_rows(),
    )
    policy = incidents.policy_update(
        organisation=org,
        by=lead,
        triage_working_days=3,
        acknowledge_hours=24,
        acknowledge_urgent_hours=4,
    )
    elsewhere = payments.activity_create(
        organisation=other_org,
        by=personas["outsider"],
        title="Elsewhere panel",
        date=datetime.date(2026, 3, 2),
    )
    return {
        "payments.activity": activity,
        "payments.benefitsthreshold": threshold,
        "payments.paymentpreference": preference,
        "payments.ratecard": card,
        "incidents.incidentpolicy": policy,
        "elsewhere": elsewhere,
    }


def _rows(client, viewer, **params):
    client.force_login(viewer)
    response = client.get(AUDIT, params)
    assert response.status_code == 200
    return response, response.context["rows"]


SERVICE_ACTIONS = {
    "payments.activity": ("activity.created", "Activity “Interview panel” on 02/03/2026"),
    "payments.benefitsthreshold": (
        "threshold.created",
        "Benefits limit “ESA permitted work”: £195.50 (week)",
    ),
    "payments.paymentpreference": (
        "preference.changed",
        "Payment preference for Peer: A reduced amount",
    ),
    "payments.ratecard": ("ratecard.created", "Rate card “Trust rates 2026” from 01/04/2026"),
    "incidents.incidentpolicy": ("incident_policy.updated", "Incident deadlines changed for"),
}


@pytest.mark.parametrize("record_type", SERVICE_ACTIONS)
def test_each_setting_change_is_on_the_audit_page_and_filterable(
    client, personas, changes, org, record_type
):
    action, summary = SERVICE_ACTIONS[record_type]
    obj = changes[record_type]
    who = "Admin (admin)" if record_type == "payments.ratecard" else "Lead (lead)"
    # Everything at once: the entry is in the one list.
    _, everything = _rows(client, personas["admin"])
    assert [r for r in everything if r.record_id == str(obj.pk) and r.summary.startswith(summary)]
    # By kind of record: that record's entries only.
    _, by_type = _rows(client, personas["admin"], record_type=record_type)
    service_rows = [r for r in by_type if r.summary]
    assert [(r.organisation, r.user, r.record_id) for r in service_rows] == [
        (org.name, who, str(obj.pk))
    ]
    assert service_rows[0].summary.startswith(summary)
    assert {r.record_type for r in by_type} == {selectors.record_types()[record_type]}
    # By action: that action's entries only, whatever the record.
    _, by_action = _rows(client, personas["admin"], action=action)
    assert [(r.record_id, r.action) for r in by_action] == [
        (str(obj.pk), selectors.action_label(action))
    ]
    # By who and by date.
    actor = personas["admin"] if record_type == "payments.ratecard" else personas["lead"]
    _, by_who = _rows(client, personas["admin"], user=actor.pk, action=action)
    assert len(by_who) == 1
    other = personas["lead"] if actor == personas["admin"] else personas["admin"]
    assert _rows(client, personas["admin"], user=other.pk, action=action)[1] == []
    today = timezone.localdate()
    assert len(_rows(client, personas["admin"], action=action, start=today, end=today)[1]) == 1
    yesterday = today - datetime.timedelta(days=1)
    response, none = _rows(client, personas["admin"], action=action, end=yesterday)
    assert none == []
    assert "Nothing matches those filters." in response.content.decode()


def test_another_organisations_entries_never_appear(client, personas, changes, org):
    elsewhere = changes["elsewhere"]
    _, rows = _rows(client, personas["admin"], record_type="payments.activity")
    assert str(elsewhere.pk) not in {r.record_id for r in rows}
    assert {r.organisation for r in rows} == {org.name}
    client.force_login(personas["admin"])
    text = b"".join(client.get(EXPORT).streaming_content).decode("utf-8-sig")
    assert "Elsewhere panel" not in text and "Interview panel" in text
    # The other organisation's own administrator sees theirs and not ours.
    from tests.factories import MembershipFactory

    MembershipFactory(
        user=personas["outsider"], organisation=elsewhere.organisation, capacity="admin"
    )
    _, theirs = _rows(client, personas["outsider"], record_type="payments.activity")
    assert [r.record_id for r in theirs if r.summary] == [str(elsewhere.pk)]


def test_private_entries_show_that_something_happened_never_what(client, personas, supervised):
    peer = personas["peer"].person
    private.wellbeing_plan_update(person=peer, by=personas["peer"], keeps_me_well=SECRET)
    private.diversity_profile_update(
        person=peer, by=personas["peer"], sexual_orientation="bisexual"
    )
    plan = WellbeingPlan.objects.get(person=peer)
    with transaction.atomic():  # an older entry that copied words into `changes`
        audit.record(
            actor=personas["peer"],
            action="wellbeing_plan.updated",
            obj=plan,
            organisation_id=peer.organisation_id,
            summary=f"Plan: {SECRET}",
            changes={"keeps_me_well": ["", SECRET]},
        )
    response, rows = _rows(client, personas["admin"], record_type="workforce.wellbeingplan")
    service = [r for r in rows if r.action == selectors.action_label("wellbeing_plan.updated")]
    assert len(service) == 2
    assert all(r.private and r.summary == "" and r.changes == "" for r in service)
    page = response.content.decode()
    assert SECRET not in page and "keeps_me_well" not in page
    assert "Private: only that it happened is shown." in page
    _, diversity = _rows(client, personas["admin"], record_type="workforce.diversityprofile")
    assert [r.private for r in diversity if r.action.startswith("Diversity")] == [True]
    client.force_login(personas["admin"])
    text = b"".join(client.get(EXPORT).streaming_content).decode("utf-8-sig")
    assert SECRET not in text and "keeps_me_well" not in text and "isexual" not in text
    # The admin's own audit entries listing never had the words either.
    assert AuditEntry.objects.filter(changes__keeps_me_well__1=SECRET).count() == 1


def test_non_private_entries_show_their_changes(client, personas, changes):
    _, rows = _rows(client, personas["admin"], action="incident_policy.updated")
    assert "triage_working_days" in rows[0].changes


def test_the_page_reads_a_bounded_number_of_rows(
    client, personas, org, changes, django_assert_max_num_queries
):
    for n in range(30):
        payments.activity_create(
            organisation=org,
            by=personas["lead"],
            title=f"Panel {n}",
            date=datetime.date(2026, 3, 2),
        )
        PersonFactory(organisation=org)
    client.force_login(personas["admin"])
    client.get(AUDIT)  # sessions and capacities warmed
    # Sign-in (3), capacities, count, one page, its names and organisations, the user list.
    with django_assert_max_num_queries(10):
        response = client.get(AUDIT)
    assert len(response.context["rows"]) == 50
    with django_assert_max_num_queries(10):
        response = client.get(AUDIT, {"record_type": "payments.activity", "page": 1})
    assert len(response.context["rows"]) == 31


def test_an_action_with_no_entries_says_so(client, personas):
    response, rows = _rows(client, personas["admin"], action="ratecard.created")
    assert rows == []
    assert "Nothing matches those filters." in response.content.decode()


def test_every_action_the_services_record_can_be_filtered_in_plain_words():
    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r'\baction(?:, summary)?\s*=\s*"([a-z_]+\.[a-z_]+)"')
    named = {
        action
        for app in ("payments", "roles", "supervision", "workforce")
        for path in (root / app).rglob("*.py")
        for action in pattern.findall(path.read_text())
    }
    assert len(named) > 40
    assert sorted(named - set(selectors.SERVICE_ACTIONS)) == []
    choices = {value for _, group in selectors.action_choices()[1:] for value, _ in group}
    assert set(selectors.SERVICE_ACTIONS) <= choices

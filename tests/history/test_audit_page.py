"""The audit page: administrators see their own organisations' row history and read log,
filtered by date, user, record type and action, paged, and exported as CSV with exactly the
filtered rows. Who, what and when only: never the private text itself."""

import csv
import datetime
import io

import pghistory
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory, make_login, report_incident
from workforce.history.models import ReadLogEntry
from workforce.models import Capacity as C
from workforce.models import Person, WellbeingPlan

SECRET = "NEVER-ON-THE-AUDIT-PAGE-93c1"
AUDIT = reverse("history:audit")
EXPORT = reverse("history:audit_export")


@pytest.fixture
def trail(org, other_org, personas):
    lead, supervisor = personas["lead"], personas["supervisor"]
    # Set-up first: in a test everything is one transaction, where a context's settings
    # outlast its block (a request or a command is a context from start to end).
    formula = make_login("formula", org, C.PEER_WORKER, full_name='=HYPERLINK("http://x")')
    with pghistory.context(user=lead.pk, url="/people/new/"):
        dana = PersonFactory(organisation=org, full_name="Dana Example")
        Person.objects.filter(pk=dana.pk).update(phone="07700 900555")
    with pghistory.context(user=formula.pk, url="/people/edit/"):
        Person.objects.filter(pk=dana.pk).update(phone="07700 900556")
    with pghistory.context(user=personas["outsider"].pk, url="/people/new/"):
        PersonFactory(organisation=other_org, full_name="Elsewhere Person")
    january = datetime.datetime(2026, 1, 10, 9, 30, tzinfo=datetime.UTC)
    ReadLogEntry.objects.create(
        at=january,
        user=supervisor,
        organisation=org,
        what=ReadLogEntry.What.NARRATIVE,
        object_type="incidents.incident",
        object_id="41",
        url="/incidents/41/",
    )
    ReadLogEntry.objects.create(
        at=january,
        user=personas["outsider"],
        organisation=other_org,
        what=ReadLogEntry.What.WELLBEING_PLAN,
        object_type="workforce.wellbeingplan",
        object_id="42",
    )
    return {"dana": dana, "formula": formula}


def _page(client, viewer, **params):
    client.force_login(viewer)
    response = client.get(AUDIT, params)
    assert response.status_code == 200
    return response


def _export(client, viewer, **params):
    client.force_login(viewer)
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    return header, rows


def _shown(response):
    return [
        (r.organisation, r.user, r.action, r.record_type, r.record_id, r.what)
        for r in response.context["rows"]
    ]


def test_admins_see_only_their_organisations(client, personas, trail, org):
    rows = _page(client, personas["admin"]).context["page"].paginator.object_list
    assert rows.count() > 0
    shown = _shown(_page(client, personas["admin"]))
    assert {organisation for organisation, *_ in shown} == {org.name}
    _, exported = _export(client, personas["admin"])
    assert {row[1] for row in exported} == {org.name}
    assert not [row for row in exported if "Outsider" in row[2]]


def test_filter_by_user_record_type_and_action(client, personas, trail):
    dana = trail["dana"]
    lead = personas["lead"]
    response = _page(client, personas["admin"], user=lead.pk, record_type="workforce.person")
    assert _shown(response) == [
        ("Test NHS Trust", "Lead (lead)", "Changed", "Person", str(dana.pk), ""),
        ("Test NHS Trust", "Lead (lead)", "Created", "Person", str(dana.pk), ""),
    ]
    assert [r.url for r in response.context["rows"]] == ["/people/new/", "/people/new/"]
    changed = _page(client, personas["admin"], action="update", record_type="workforce.person")
    assert [(r.user, r.record_id) for r in changed.context["rows"]] == [
        ('=HYPERLINK("http://x") (formula)', str(dana.pk)),
        ("Lead (lead)", str(dana.pk)),
    ]


def test_filter_reads_by_date_range(client, personas, trail):
    admin = personas["admin"]
    reads = _page(client, admin, action="read", start="2026-01-01", end="2026-01-31")
    assert _shown(reads) == [
        (
            "Test NHS Trust",
            "Supervisor (supervisor)",
            "Opened",
            "Incident",
            "41",
            "Incident narrative",
        )
    ]
    assert _shown(_page(client, admin, action="read", start="2026-01-11")) == []
    # Today's changes and nothing from January when the range is today.
    today = timezone.localdate().isoformat()
    todays = _shown(_page(client, admin, start=today, end=today))
    assert todays and all(action != "Opened" for _, _, action, *_ in todays)


def test_wrong_dates_show_an_error_and_no_rows(client, personas, trail):
    response = _page(client, personas["admin"], start="2026-02-01", end="2026-01-01")
    assert "The end date cannot be before the start date." in response.content.decode()
    assert response.context["rows"] == []
    _, rows = _export(client, personas["admin"], start="2026-02-01", end="2026-01-01")
    assert rows == []


def test_the_export_is_exactly_the_filtered_rows_and_formula_safe(client, personas, trail):
    params = {"record_type": "workforce.person", "action": "update"}
    header, rows = _export(client, personas["admin"], **params)
    assert header[:6] == ["When", "Organisation", "Who", "Action", "Record", "Record id"]
    page = _page(client, personas["admin"], **params).context["rows"]
    assert [(r[2], r[3], r[5]) for r in rows] == [
        (p.user if not p.user.startswith("=") else "'" + p.user, p.action, p.record_id)
        for p in page
    ]
    assert rows[0][2] == '\'=HYPERLINK("http://x") (formula)'
    assert not [cell for row in rows for cell in row if cell.startswith(("=", "+", "-", "@"))]


def test_pages_of_fifty(client, personas, org):
    person = PersonFactory(organisation=org)
    for n in range(60):
        Person.objects.filter(pk=person.pk).update(phone=f"0770090{n:04d}")
    first = _page(client, personas["admin"], action="update")
    assert len(first.context["rows"]) == 50
    second = _page(client, personas["admin"], action="update", page=2)
    assert len(second.context["rows"]) == second.context["page"].paginator.count - 50
    assert 'aria-label="Pages of the audit trail"' in second.content.decode()


def test_private_text_is_never_shown_or_exported(client, personas, supervised):
    peer = personas["peer"]
    incident = report_incident(personas["supervisor"], peer.person, narrative=SECRET)
    WellbeingPlan.objects.create(person=peer.person, keeps_me_well=SECRET)
    client.force_login(personas["safeguarding"])
    assert (
        SECRET
        in client.get(reverse("incidents:detail", kwargs={"pk": incident.pk})).content.decode()
    )
    response = _page(client, personas["admin"])
    assert SECRET not in response.content.decode()
    assert (
        "Test NHS Trust",
        "Safeguarding (safeguarding)",
        "Opened",
        "Incident",
        str(incident.pk),
        "Incident narrative",
    ) in _shown(response)
    header, rows = _export(client, personas["admin"])
    assert rows and SECRET not in repr(rows)


def test_the_menu_offers_the_audit_page_to_administrators_only(client, personas):
    for who in ["admin", "lead", "safeguarding", "peer"]:
        client.force_login(personas[who])
        has_link = f'href="{AUDIT}"' in client.get(reverse("home")).content.decode()
        assert has_link == (who == "admin"), who

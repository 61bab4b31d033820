"""The people list: filter, search, sort, paginate, export exactly the filtered list, an
empty state that says what to do, and a query count that does not grow with the register."""

import csv
import io

import pytest
from django.urls import reverse

from tests import factories
from tests.factories import PersonFactory, TeamFactory
from workforce.register.views.people import PAGE_SIZE


def _names(response):
    return [p.full_name for p in response.context["page"].object_list]


def _export(client, **params):
    response = client.get(reverse("workforce:people_export"), params)
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def register(org, personas, version, lead):
    """A few people in different states, one in a second team and role family."""
    second_team = TeamFactory(organisation=org, name="Recovery College")
    researcher = factories.published_version(
        org, lead, title="Peer researcher", family="peer_researcher"
    )
    ann = PersonFactory(organisation=org, full_name="Ann Archer", engagement_type="sessional")
    bob = PersonFactory(organisation=org, full_name="Bob Baker", status="paused")
    cat = PersonFactory(
        organisation=org,
        full_name="Cat Carter",
        status="left",
        end_date="2026-01-01",
        leaving_reason="resigned",
    )
    factories.assign(ann, version, supervisor=personas["supervisor"], by=lead)
    factories.assign(bob, researcher, supervisor=personas["supervisor"], by=lead, team=second_team)
    return {"ann": ann, "bob": bob, "cat": cat, "team": second_team}


def test_filters_search_and_sort(client, personas, register):
    client.force_login(personas["lead"])
    url = reverse("workforce:people")
    assert _names(client.get(url, {"q": "bak"})) == ["Bob Baker"]
    assert _names(client.get(url, {"status": "left"})) == ["Cat Carter"]
    assert _names(client.get(url, {"engagement_type": "sessional"})) == ["Ann Archer"]
    assert _names(client.get(url, {"team": register["team"].pk})) == ["Bob Baker"]
    assert _names(client.get(url, {"family": "peer_researcher"})) == ["Bob Baker"]
    assert _names(client.get(url, {"family": "peer_support_worker"})) == ["Ann Archer"]
    everyone = _names(client.get(url))
    assert everyone == sorted(everyone, key=str.lower)
    assert _names(client.get(url, {"sort": "-name"})) == sorted(
        everyone, key=str.lower, reverse=True
    )


def test_list_shows_the_current_role_and_team(client, personas, register):
    client.force_login(personas["lead"])
    html = client.get(reverse("workforce:people"), {"q": "Bob"}).content.decode()
    assert "Peer researcher" in html and "Recovery College" in html and "On a break" in html


def test_export_is_exactly_the_filtered_list_in_the_same_order(client, personas, register):
    client.force_login(personas["lead"])
    params = {"status": "active", "sort": "-name"}
    shown = _names(client.get(reverse("workforce:people"), params))
    rows = _export(client, **params)
    assert [row["Full name"] for row in rows] == shown
    ann = next(row for row in rows if row["Full name"] == "Ann Archer")
    assert ann["Current roles"] == "Peer support worker" and ann["Engagement type"].startswith(
        "Sessional"
    )


def test_export_cells_cannot_run_as_spreadsheet_formulas(client, personas, org):
    PersonFactory(organisation=org, full_name='=HYPERLINK("http://evil")', payee_reference="+1")
    client.force_login(personas["lead"])
    row = next(r for r in _export(client) if "HYPERLINK" in r["Full name"])
    assert row["Full name"].startswith("'=") and row["Payee reference"] == "'+1"


def test_pagination_and_clear_empty_states(client, personas, org):
    for i in range(PAGE_SIZE + 3):
        PersonFactory(organisation=org, full_name=f"Zed {i:02d}")
    client.force_login(personas["lead"])
    url = reverse("workforce:people")
    first, second = client.get(url, {"q": "Zed"}), client.get(url, {"q": "Zed", "page": 2})
    assert len(_names(first)) == PAGE_SIZE and len(_names(second)) == 3
    assert "Page 1 of 2" in first.content.decode()
    empty = client.get(url, {"q": "nobody-called-this"}).content.decode()
    assert "Nobody matches these filters" in empty and "Clear the filters" in empty


def test_peer_list_holds_only_themselves(client, personas, register):
    client.force_login(personas["peer"])
    assert _names(client.get(reverse("workforce:people"))) == [personas["peer"].person.full_name]
    assert [r["Full name"] for r in _export(client)] == [personas["peer"].person.full_name]


def test_supervisor_list_is_self_and_supervisees(client, personas, register):
    client.force_login(personas["supervisor"])
    names = set(_names(client.get(reverse("workforce:people"))))
    assert names == {"Supervisor", "Ann Archer", "Bob Baker"}


def _app_queries(captured) -> list[str]:
    # The session middleware re-saves the session at most once a minute (a savepoint and an
    # UPDATE): that depends on the clock, not on the register, so it is left out.
    return [
        q["sql"]
        for q in captured.captured_queries
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


def test_query_count_is_the_same_for_few_and_many_people(
    client, personas, org, version, lead, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(lead)
    factories.assign(
        PersonFactory(organisation=org), version, supervisor=personas["supervisor"], by=lead
    )
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("workforce:people")).status_code == 200
    for _ in range(30):
        person = PersonFactory(organisation=org)
        factories.assign(person, version, supervisor=personas["supervisor"], by=lead)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("workforce:people"))
    assert len(response.context["page"].object_list) == 25
    assert len(_app_queries(many)) == len(_app_queries(few)), "\n".join(_app_queries(many))
    # A fixed budget too, so a later change cannot quietly add a query per page either.
    with django_assert_max_num_queries(12):
        client.get(reverse("workforce:people"), {"page": 2})
    with CaptureQueriesContext(connection) as export:
        _export(client)
    assert len(_app_queries(export)) <= len(_app_queries(few))


def test_person_page_query_count_does_not_grow_with_history(client, personas, org, lead, version):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from workforce.register import services

    person = PersonFactory(organisation=org)
    today = timezone.localdate()
    first = factories.assign(
        person,
        version,
        supervisor=personas["supervisor"],
        by=lead,
        start=today - datetime.timedelta(days=400),
    )
    client.force_login(lead)
    url = reverse("workforce:person", args=[person.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    # A long history: moved through three newer versions, with training each time.
    current, v = first, version
    for step in range(3):
        v = factories.newer_version(v, lead, title=f"Peer support worker v{step + 2}")
        current = services.assignment_move_to_version(
            assignment=current,
            role_version=v,
            on=today - datetime.timedelta(days=300 - 100 * step),
            by=lead,
        )
        for requirement in v.training_requirements.all():
            services.training_record_create(
                person=person, requirement=requirement, completed_on=current.start_date, by=lead
            )
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "moved from version 3" in html
    assert len(_app_queries(many)) == len(_app_queries(few)), "\n".join(_app_queries(many))

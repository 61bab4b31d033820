"""Step 1 of reporting for someone who may report about many people: part of a name first,
then a short list of who matches, never a list of the whole trust."""

import datetime
import importlib
import re

import pytest
from django.urls import reverse

from tests.factories import PersonFactory
from workforce.models import Person
from workforce.register.models.people import LeavingReason

# The module, not the view of the same name the views package exports.
detail = importlib.import_module("supervision.incidents.views.detail")
URL = reverse("incidents:report")
LIMIT = 5


@pytest.fixture
def many(org, other_org, monkeypatch):
    """More people in the lead's organisation than step 1 lists, and some it must never list."""
    monkeypatch.setattr(detail, "CHOOSE_FROM_UP_TO", LIMIT)
    people = [PersonFactory(organisation=org, full_name=f"Alex Worker {n}") for n in range(7)]
    PersonFactory(organisation=org, full_name="Robin Shaw", preferred_name="Bobbie")
    PersonFactory(
        organisation=org,
        full_name="Alex Gone",
        status=Person.Status.LEFT,
        end_date=datetime.date(2026, 1, 31),
        leaving_reason=LeavingReason.RESIGNED,
    )
    PersonFactory(organisation=other_org, full_name="Alex Elsewhere")
    return people


def _options(html):
    select = re.search(r'<select name="person".*?</select>', html, re.S)
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)</option>", select.group(0))


def test_a_long_list_asks_for_a_name_first_and_lists_nobody(client, lead, many):
    client.force_login(lead)
    response = client.get(URL)
    html = response.content.decode()
    assert response.templates[0].name == "incidents/report_choose.html"
    assert 'name="q"' in html and "Find the worker by name" in html
    assert 'name="person"' not in html
    assert "Alex Worker" not in html
    assert "There is a problem" not in html


def test_the_list_shows_only_reportable_people_whose_name_matches(client, lead, many):
    client.force_login(lead)
    html = client.get(URL, {"q": "  worker   3 "}).content.decode()
    assert _options(html) == ["Alex Worker 3"]
    # The only match is chosen already.
    assert re.search(r'<option value="\d+" selected>Alex Worker 3</option>', html)
    # Those who have left and other organisations' people are never offered.
    html = client.get(URL, {"q": "alex g"}).content.decode()
    assert "Nobody you can report about has “alex g” in their name" in html
    html = client.get(URL, {"q": "Elsewhere"}).content.decode()
    assert 'name="person"' not in html and "Alex Elsewhere" not in html
    # The preferred name finds them too.
    assert _options(client.get(URL, {"q": "bobbie"}).content.decode()) == ["Robin Shaw"]


def test_too_many_matches_are_cut_short_with_a_hint(client, lead, many):
    client.force_login(lead)
    html = client.get(URL, {"q": "alex"}).content.decode()
    assert _options(html) == [f"Alex Worker {n}" for n in range(LIMIT)]
    assert '<option value="" selected>' in html
    assert f"More than {LIMIT} people have “alex” in their name" in html
    html = client.get(URL, {"q": "Worker 6"}).content.decode()
    assert _options(html) == ["Alex Worker 6"]
    assert "More than" not in html


def test_an_empty_search_or_no_match_is_an_error_linked_to_the_box(client, lead, many):
    client.force_login(lead)
    for text, message in [
        ("   ", "Type part of their name to find them."),
        ("zz", "Nobody you can report about has “zz” in their name."),
    ]:
        html = client.get(URL, {"q": text}).content.decode()
        assert "There is a problem" in html
        assert f'href="#id_q">Find the worker by name: {message}' in html
        assert 'aria-invalid="true"' in html
        assert 'name="person"' not in html


@pytest.mark.parametrize("text", ["a\x00b", "x" * 101, "%", "_", "'; drop table x; --"])
def test_odd_searches_are_refused_or_matched_literally(client, lead, many, text):
    client.force_login(lead)
    response = client.get(URL, {"q": text})
    assert response.status_code == 200
    assert 'name="person"' not in response.content.decode()


def test_choosing_from_the_matches_goes_on_to_the_report(client, lead, many):
    client.force_login(lead)
    chosen = many[2]
    response = client.get(URL, {"q": "alex", "person": chosen.pk})
    assert response.templates[0].name == "incidents/report.html"
    assert chosen.full_name in response.content.decode()


def test_continuing_without_choosing_keeps_the_matches_and_says_why(client, lead, many):
    client.force_login(lead)
    html = client.get(URL, {"q": "worker 1", "person": ""}).content.decode()
    assert "There is a problem" in html and 'href="#id_person"' in html
    assert _options(html) == ["Alex Worker 1"]
    assert '<input type="hidden" name="q" value="worker 1">' in html


def test_a_short_list_is_offered_straight_away(client, supervisor, peer, version, many):
    """Up to the limit, no search: a supervisor chooses from themselves and their supervisee."""
    client.force_login(supervisor)
    html = client.get(URL).content.decode()
    assert 'name="q"' not in html
    assert _options(html) == ["Peer", "Supervisor"]


def test_the_search_page_reads_a_bounded_number_of_rows(
    client, lead, many, django_assert_max_num_queries
):
    # Sign-in and access (5), step 1's checks (the count, the matches, whether they span
    # organisations, whether there is anyone at all), the options, and the session's save.
    client.force_login(lead)
    with django_assert_max_num_queries(14):
        response = client.get(URL, {"q": "alex"})
    assert len(_options(response.content.decode())) == LIMIT

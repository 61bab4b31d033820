"""workforce/query.py: every GET parameter read gives a usable value or a plain message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from workforce.platform.query import EARLIEST_DATE, MAX_ID, BoundedDateField, Query, latest_date


def _query(text: str) -> Query:
    return Query(QueryDict(text))


def test_dates_outside_the_allowed_range_fall_back_with_a_message():
    default = datetime.date(2026, 4, 30)
    for value in ["0001-01-01", "9999-12-31", "1999-12-31", "2026-02-30", "x", "2026-4-3"]:
        query = _query(f"start={value}")
        assert query.date("start", label="The start date", default=default) == default, value
        assert query.errors == [
            "The start date must be a date like 2026-04-30 between 1 January 2000 and "
            f"31 December {timezone.localdate().year + 1}; the default is shown instead."
        ], value
    query = _query(f"start={EARLIEST_DATE}&end={latest_date()}")
    assert query.date("start", label="Start") == EARLIEST_DATE
    assert query.date("end", label="End") == latest_date()
    assert query.errors == []


def test_ids_are_positive_and_fit_a_primary_key():
    for value in ["0", "-1", str(MAX_ID + 1), str(10**30), "\u00b2", "\uff11", "1e3", "1\x00"]:
        query = _query(f"team={value}".replace("\x00", "%00"))
        assert query.id("team", message="That team is not known.") is None, value
        assert query.errors == ["That team is not known."], value
    assert _query(f"team={MAX_ID}").id("team") == MAX_ID
    query = _query("team=7")
    assert query.id("team", message="Not yours.", allowed=[8]) is None
    assert query.errors == ["Not yours."]


def test_choices_text_and_pages():
    query = _query("sort=-title&family=nope&q=%00Ann%01e " + "x" * 300 + "&page=" + "9" * 30)
    assert query.choice("sort", ["title", "-title"], default="title") == "-title"
    assert query.choice("family", ["a"], message="That family is not known.") == ""
    assert query.errors == ["That family is not known."]
    assert query.text("q").startswith("Anne x")
    assert len(query.text("q")) == 100
    assert query.page() == 1  # thirty digits is nonsense, not page 10**30
    assert _query("page=-3").page() == 1
    assert _query("page=999999").page() == 100_000
    assert _query("page=4&page=5").page() == 5  # the last of a repeated parameter


def test_filter_forms_refuse_dates_outside_the_range():
    field = BoundedDateField(required=False)
    assert field.clean("2026-01-31") == datetime.date(2026, 1, 31)
    for value in ["0001-01-01", "9999-12-31"]:
        with pytest.raises(ValidationError, match="between 1 January 2000"):
            field.clean(value)


def test_the_roles_list_says_what_it_could_not_use(client, lead, other_org):
    client.force_login(lead)
    response = client.get("/roles/", {"organisation": other_org.pk, "family": "nope", "q": "a\x00"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "That organisation is not one of yours" in html
    assert "That role family is not known" in html

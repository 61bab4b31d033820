"""Report filters at the edges of the calendar: every report page and its CSV answers with
the report for an allowed period and a message saying what was changed, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from workforce.reports import registry

URL_NAMES = [name for report in registry.REPORTS for name in (report.slug, f"{report.slug}_csv")]
EDGES = [
    {"start": "2026-01-01", "end": "9999-12-31"},
    {"start": "0001-01-01", "end": "2026-01-01"},
    {"start": "0001-01-01", "end": "0001-01-01"},
    {"start": "9999-12-31", "end": "9999-12-31"},
    {"end": "9999-12-31"},
    {"end": "0001-01-01"},
    {"start": "0001-01-01"},
    {"start": "9999-12-31"},
    {"start": "0001-01-01", "end": "9999-12-31"},
]


@pytest.mark.parametrize("params", EDGES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_no_report_fails_on_a_date_at_the_edge_of_the_calendar(lead, params):
    assert len(URL_NAMES) == 12
    client = Client(raise_request_exception=False)
    client.force_login(lead)
    failed = {}
    for name in URL_NAMES:
        response = client.get(reverse(f"reports:{name}"), params)
        body = b"".join(response) if response.streaming else response.content
        if response.status_code != 200:
            failed[name] = response.status_code
        elif not name.endswith("_csv") and registry.BY_SLUG[name].uses_filters:
            # The page says what it did with the date it could not use.
            assert b"between 1 January 2000 and 31 December" in body, name
    assert failed == {}

"""Every report page and CSV costs the same number of queries for a small register as for
one several times bigger: the figures are aggregated by the database, not row by row."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AssignmentFactory, DiversityProfileFactory, PersonFactory

SLUGS = ["presence", "supervision", "incidents", "payments", "diversity", "access-review"]
# The most any report page or CSV costs here (the supervision report counts every month
# in one query, whatever the months; it used to cost one query per month; the incidents
# report counts those restricted to safeguarding leads in one more).
MAX_QUERIES = 15


def _grow(register, org, personas, n=15):
    """n more people in post, with assignments, supervision answers and diversity answers."""
    version = register.people["alice"].assignments.get().role_version
    for i in range(n):
        person = PersonFactory(
            organisation=org, start_date=register.m0 + datetime.timedelta(days=i % 28)
        )
        AssignmentFactory(
            person=person,
            role_version=version,
            team=register.team_a if i % 2 else register.team_b,
            supervisor=personas["supervisor"],
            hours_per_week=10 + i,
            start_date=person.start_date,
        )
        DiversityProfileFactory(person=person, sex="female" if i % 3 else "male")


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("slug", SLUGS)
def test_query_count_does_not_grow_with_data(
    client, personas, register, org, slug, django_assert_max_num_queries
):
    client.force_login(personas["lead"])
    params = register.params()
    client.get(reverse("reports:index"))  # the session's first-request work, once
    small = {
        name: _count(client, reverse(name), params)
        for name in (f"reports:{slug}", f"reports:{slug}_csv")
    }
    _grow(register, org, personas)
    for name, before in small.items():
        with django_assert_max_num_queries(MAX_QUERIES):
            after = _count(client, reverse(name), params)
        assert after == before, f"{name}: {before} queries before, {after} after"

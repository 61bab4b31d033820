"""The organisations list: the user's own organisations with how many teams each has, in a
query count that does not grow with the register."""

import re

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, PersonFactory, TeamFactory


def _teams_shown(response) -> dict[str, int]:
    rows = re.findall(r'">([^<]+)</a></td>\s*<td>[^<]*</td>\s*<td>(\d+)</td>', response.text)
    return {name: int(count) for name, count in rows}


@pytest.mark.django_db
def test_each_organisation_shows_its_own_team_count_however_many_people_it_has(
    client, org, lead, django_assert_max_num_queries
):
    TeamFactory(organisation=org, name="Recovery College")
    other = OrganisationFactory(name="Not theirs")
    TeamFactory(organisation=other)
    client.force_login(lead)
    before = _teams_shown(client.get(reverse("workforce:organisations")))
    assert before == {org.name: 2}  # the fixture's team and this one; never other's

    PersonFactory.create_batch(30, organisation=org)
    with django_assert_max_num_queries(8) as queries:
        after = client.get(reverse("workforce:organisations"))
    assert _teams_shown(after) == {org.name: 2}
    # Teams are counted without joining people: that join multiplied each organisation's
    # teams by its people (0.2 s at 5,000 people; bench/README.md).
    (counting,) = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert "workforce_person" not in counting

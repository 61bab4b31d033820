"""Runs this app's access matrix rows on their own, so tests/supervision proves them even
before the shared matrix (tests/test_access_matrix.py) is run."""

import pytest
from django.urls import reverse

from tests.matrix import ANON, PERSONAS
from tests.supervision.matrix import SUPERVISION_MATRIX


@pytest.mark.parametrize("url_name", sorted(SUPERVISION_MATRIX))
def test_supervision_access_matrix(client, personas, org, url_name, request):
    expected, kwargs_for = SUPERVISION_MATRIX[url_name]
    kwargs = kwargs_for({"org": org, "fixture": request.getfixturevalue}) if kwargs_for else None
    url = reverse(url_name, kwargs=kwargs)
    seen = {}
    for who in [ANON, *PERSONAS]:
        client.logout()
        if who != ANON:
            client.force_login(personas[who])
        seen[who] = client.get(url).status_code
    assert seen == expected, f"{url_name} ({url})"

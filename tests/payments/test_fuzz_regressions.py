"""Inputs the fuzzer (tests/fuzz) found answered with a server error, now refused plainly."""

import pytest
from django.urls import reverse

from payments.models import Batch


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_cut_off_on_the_last_day_of_the_calendar_is_refused_not_a_crash(
    client, personas, approved_claim, method
):
    # 9999-12-31 has no next day: the batch's end-of-day moment overflowed (500).
    client.force_login(personas["finance"])
    response = getattr(client, method)(reverse("payments:batch_new"), {"cut_off": "9999-12-31"})
    assert response.status_code == 200
    assert "no more than a year from today" in response.content.decode()
    assert not Batch.objects.exists()

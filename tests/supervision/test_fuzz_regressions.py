"""Inputs the fuzzer (tests/fuzz) found, now handled: refused input changes nothing."""

from django.urls import reverse

from supervision.models import SessionAction
from tests.factories import matrix_action


def test_a_body_with_too_many_fields_is_refused_before_the_action_is_ticked_off(
    client, personas, request
):
    # The view ticked the action off, then read `next` and Django refused the body (over
    # DATA_UPLOAD_MAX_NUMBER_FIELDS): a 400 with the action already done.
    pk = matrix_action(request.getfixturevalue)["pk"]
    client.force_login(personas["supervisor"])
    body = {f"f{i}": "1" for i in range(1100)}
    response = client.post(reverse("supervision:action_complete", kwargs={"pk": pk}), body)
    assert response.status_code == 400
    assert SessionAction.objects.get(pk=pk).done_at is None


def test_the_action_is_still_ticked_off_with_a_plain_body(client, personas, request):
    pk = matrix_action(request.getfixturevalue)["pk"]
    client.force_login(personas["supervisor"])
    url = reverse("supervision:action_complete", kwargs={"pk": pk})
    response = client.post(url, {"next": "mine"})
    assert response.status_code == 302
    assert response.url == reverse("supervision:mine")
    assert SessionAction.objects.get(pk=pk).done_at is not None

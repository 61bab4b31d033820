import pytest

from tests.factories import make_peer_assignment


@pytest.fixture
def supervised(request, org, lead, supervisor, peer):
    """`peer` in a published role, supervised by `supervisor` (so may be reported on)."""
    return make_peer_assignment(request.getfixturevalue)

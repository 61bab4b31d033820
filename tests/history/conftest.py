import pytest

from tests.register.builders import peer_assignment


@pytest.fixture
def supervised(request, org, lead, supervisor, peer):
    """`peer` in a published role, supervised by `supervisor` (so may be reported on)."""
    return peer_assignment(request.getfixturevalue)

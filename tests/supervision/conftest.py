import pytest

from tests.supervision import builders


@pytest.fixture
def fixture(request):
    return request.getfixturevalue


@pytest.fixture
def team(org):
    return org.teams.order_by("pk").first()


@pytest.fixture
def version(org):
    """A published role version: line management at least every 28 days, 60 minutes."""
    return builders.version_with(org)


@pytest.fixture
def assignments(version, peer, peer2, supervisor):
    """`peer` and `peer2` hold `version`, supervised by `supervisor`, since 90 days ago."""
    return {
        "peer": builders.assign(peer.person, version, supervisor=supervisor),
        "peer2": builders.assign(peer2.person, version, supervisor=supervisor),
    }

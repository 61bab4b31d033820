import pytest

from tests import factories


@pytest.fixture
def fixture(request):
    return request.getfixturevalue


@pytest.fixture
def team(org):
    return org.teams.order_by("pk").first()


@pytest.fixture
def version(org):
    """A published role version: line management at least every 28 days, 60 minutes."""
    return factories.version_with(org)


@pytest.fixture
def assignments(version, peer, peer2, supervisor):
    """`peer` and `peer2` hold `version`, supervised by `supervisor`, since 90 days ago."""
    return {
        "peer": factories.assign_direct(peer.person, version, supervisor=supervisor),
        "peer2": factories.assign_direct(peer2.person, version, supervisor=supervisor),
    }

import pytest

from tests import factories


@pytest.fixture
def version(org, lead):
    """A published peer support worker role version with two training requirements."""
    return factories.published_version(org, lead)


@pytest.fixture
def team(org):
    return org.teams.get(name="Community Team")


@pytest.fixture
def peer_assignment(version, peer, supervisor, lead, team):
    """`peer` holds `version` in `team`, supervised by `supervisor`, since 30 days ago."""
    return factories.assign(peer.person, version, supervisor=supervisor, by=lead, team=team)

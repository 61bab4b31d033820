import pytest

from roles import services
from tests.factories import make_role_version


@pytest.fixture
def published(org):
    """A complete, published peer support worker role in the personas' organisation."""
    return make_role_version(org, title="Peer support worker")


@pytest.fixture
def draft(org):
    """A role nobody has published yet: only leads and admins can see it."""
    return make_role_version(
        org, title="Recovery College peer tutor", family="peer_educator", published=False
    )


@pytest.fixture
def two_versions(published, lead):
    """The published role edited into version 2 (a duty added, the band raised) and
    published: version 1 is superseded."""
    draft, _ = services.role_version_new_draft_from(version=published, by=lead)
    content = content_of(draft)
    content.title = "Peer support worker (community)"
    content.afc_band = "4"
    content.duties = [*content.duties, services.RoleDuty(text="Co-facilitate recovery groups")]
    services.role_version_update_draft(version=draft, content=content, by=lead)
    return services.role_version_publish(version=draft, by=lead)


def content_of(version) -> services.RoleContent:
    """A version's content as the services take it, for tests that change one thing."""
    return services.RoleContent(
        **{name: getattr(version, name) for name in services.CONTENT_FIELDS},
        **{name: list(getattr(version, name).all()) for name, _, _ in services.LISTS},
    )

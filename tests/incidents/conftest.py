import pytest

from tests import factories


@pytest.fixture
def version(org, lead, peer, supervisor):
    """`peer` holds a published role (exclusion "Clinical advice"), supervised by
    `supervisor`."""
    return factories.supervise(org, lead, peer, supervisor)


@pytest.fixture
def make(version, supervisor, peer, safeguarding):
    """make("acknowledged", severity="high") -> an incident about peer in that state."""

    def build(state="reported", **fields):
        fields.setdefault("reporter", supervisor)
        fields.setdefault("worker", peer)
        fields.setdefault("manager", supervisor)
        fields.setdefault("safeguarding_lead", safeguarding)
        return factories.incident_in(state, **fields)

    return build


@pytest.fixture
def mailbox(settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    return mail.outbox

"""Named personas, as in the brief: a lead, a supervisor, two peer workers, a safeguarding
lead, finance, an admin, and an outsider who leads in another organisation only; and the
payments fixtures. Builders for test data are in tests/factories.py."""

import pytest

from tests.factories import (
    BenefitsThresholdFactory,
    OrganisationFactory,
    RateCardFactory,
    TeamFactory,
    make_claim,
    make_login,
    upload,
)
from tests.pgembed_plugin import pytest_configure, pytest_unconfigure  # noqa: F401 - hooks
from workforce.models import Capacity as C
from workforce.models import Organisation


def pytest_collection_finish(session):
    """Fewer, later garbage collections. A test run makes millions of short-lived objects
    (querysets, requests, template contexts) and keeps Django, the URL map and the collected
    tests for its whole life; with the default thresholds the collector walks that long-lived
    heap thousands of times. Freezing it after collection takes it out of every walk, and
    the higher first threshold lets the young generation grow before it is swept. Reference
    cycles are still collected, just in fewer passes."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, django_db_blocker, tmp_path_factory
):
    """Each worker's test database is a copy of one migrated template (tests/db_template.py).
    xdist workers share the parent of their temporary directories, so the lock is there."""
    from tests.db_template import use_template

    with django_db_blocker.unblock():
        use_template(tmp_path_factory.getbasetemp().parent)


QUEUE_TABLES = [
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
]


@pytest.fixture(autouse=True, scope="session")
def flush_past_the_truncate_guards():
    """Transactional and live-server tests end with Django's flush, and the append-only
    tables refuse both DELETE and TRUNCATE (workforce_refuse_truncate()). Those triggers
    are ordinary ones, so they do not fire while session_replication_role is 'replica'; the
    test database's user is a superuser and may set it, for the flush's own transaction
    only. Production's app role may not (docs/deployment.md).

    The flush DELETEs rather than TRUNCATEs: a test leaves a few rows in each table, and
    TRUNCATE gives every one of the 87 tables and their indexes new files, which costs far
    more than deleting a handful of rows. With no triggers firing, the order of the tables
    does not matter. A flush asked to reset sequences keeps Django's own statements."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables:
            return []
        # The job queue's tables have no managed models, so Django would leave their rows
        # for the next test.
        tables = [*tables, *(t for t in QUEUE_TABLES if t not in tables)]
        if reset_sequences:
            statements = original(
                self, style, tables, reset_sequences=True, allow_cascade=allow_cascade
            )
        else:
            statements = [
                f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
                for table in tables
            ]
        return ["SET LOCAL session_replication_role = 'replica'", *statements]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def fresh_figures_cache():
    """Tests roll back or flush their data without the triggers that raise the figures'
    versions (workforce/figures.py), so versions repeat from test to test: start each test
    with nothing cached."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def demo_rows(django_db_setup, django_db_blocker):
    """The rows one real `seed_demo` writes, seeded once per worker (tests/demo_rows.py)."""
    from django.test.utils import override_settings

    from tests import demo_rows as rows

    # Hashed as every test hashes, so the demo password still signs in after the copy.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        return rows.build()


@pytest.fixture
def demo_seeded(db, demo_rows):
    """The demo data, as `seed_demo` leaves it, in this test's database."""
    from tests import demo_rows as rows

    rows.restore(demo_rows)


@pytest.fixture
def org(db):
    organisation = OrganisationFactory(name="Test NHS Trust", kind=Organisation.Kind.NHS_TRUST)
    TeamFactory(organisation=organisation, name="Community Team")
    return organisation


@pytest.fixture
def other_org(db):
    organisation = OrganisationFactory(name="Other Partner", kind=Organisation.Kind.VCSE)
    TeamFactory(organisation=organisation, name="Other Team")
    return organisation


@pytest.fixture
def lead(org):
    return make_login("lead", org, C.COPRODUCTION_LEAD)


@pytest.fixture
def supervisor(org):
    return make_login("supervisor", org, C.SUPERVISOR)


@pytest.fixture
def peer(org):
    return make_login("peer", org, C.PEER_WORKER)


@pytest.fixture
def peer2(org):
    return make_login("peer2", org, C.PEER_WORKER)


@pytest.fixture
def safeguarding(org):
    return make_login("safeguarding", org, C.SAFEGUARDING_LEAD)


@pytest.fixture
def finance(org):
    return make_login("finance", org, C.FINANCE)


@pytest.fixture
def admin_user(org):
    # The organisation's administrator may open the Django admin, scoped to the trust; a
    # superuser is an installation operator (`operator`), never a trust's administrator.
    return make_login("admin", org, C.ADMIN, is_staff=True)


@pytest.fixture
def operator(db):
    """An installation operator: a superuser with no membership anywhere."""
    from tests.factories import UserFactory

    return UserFactory(username="operator", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(other_org):
    return make_login("outsider", other_org, C.COPRODUCTION_LEAD)


@pytest.fixture
def personas(lead, supervisor, peer, peer2, safeguarding, finance, admin_user, outsider):
    return {
        "lead": lead,
        "supervisor": supervisor,
        "peer": peer,
        "peer2": peer2,
        "safeguarding": safeguarding,
        "finance": finance,
        "admin": admin_user,
        "outsider": outsider,
    }


# --- Payments: here rather than under tests/payments so the access matrix, which asks for
# fixtures by name, can use them too. Claims are made through the real services
# (tests.factories.make_claim).


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seed_card(org):
    """The NIHR seed table as the organisation's first card."""
    return RateCardFactory(organisation=org)


@pytest.fixture
def threshold(org):
    """One of the organisation's benefits limits, in force with no end date."""
    return BenefitsThresholdFactory(organisation=org)


@pytest.fixture
def claims(personas, seed_card):
    """make(who, state, **fields): a claim by a persona, moved through the services."""

    def make(who="peer", state="draft", **fields):
        return make_claim(
            personas[who],
            state=state,
            approver=personas["lead"],
            finance=personas["finance"],
            **fields,
        )

    return make


@pytest.fixture
def draft_claim(claims):
    return claims("peer", "draft")


@pytest.fixture
def submitted_claim(claims):
    return claims("peer", "submitted")


@pytest.fixture
def approved_claim(claims):
    return claims("peer", "approved")


@pytest.fixture
def exported_claim(claims):
    return claims("peer", "exported")


@pytest.fixture
def paid_claim(claims):
    return claims("peer", "paid")


@pytest.fixture
def batch(exported_claim):
    return exported_claim.batch_lines.get().batch


@pytest.fixture
def receipt_line(media_root, draft_claim, personas):
    from payments import services

    return services.expense_add(
        claim=draft_claim,
        by=personas["peer"],
        kind="travel",
        description="Bus fare",
        amount="4.50",
        receipt=upload(),
    )


@pytest.fixture
def unused_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Real hashers are deliberately slow; tests that check hashing itself override this.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def _second_factor(user):
    """(whether the login had an authenticator, the one a user who typed a valid code would
    have used): theirs, or one made for them if they must have one; None if they neither
    have nor need one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from workforce.accounts import twofactor

    fresh = type(user).objects.get(pk=user.pk)  # capacities may have changed since
    device = twofactor.confirmed_device(fresh)
    had_one = device is not None
    if device is None and twofactor.required_for(fresh):
        device = TOTPDevice.objects.create(user=fresh, name=twofactor.DEVICE_NAME, confirmed=True)
    return had_one, device


def verify_second_factor(client, user):
    """Mark the client's session as past two-step sign-in, as a user who typed a valid code
    would be: anyone with an authenticator, and anyone who must have one (created for them
    if they have none)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    _, device = _second_factor(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture(autouse=True)
def force_login_passes_two_step(monkeypatch):
    """`client.force_login` stands for a completed sign-in, second step included; the
    two-step flow itself is tested in tests/accounts/test_twofactor.py and the browser journeys.

    The session is written directly, once, with what a real sign-in leaves in it (the user,
    the backend, the password hash, whether the login has an authenticator, the verified
    device). Django's own force_login runs the whole sign-in: a throwaway session, a new key,
    the signals that log the sign-in and stamp last_login. The sign-in page's tests, which
    type a password, prove those; the thousands of tests that only need someone signed in
    need not repeat them."""
    from http.cookies import SimpleCookie
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.http import HttpRequest
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from workforce.accounts.twofactor import HAS_DEVICE

    def force_login(self, user, backend=None):
        user.backend = backend = backend or self._get_backend()
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[HAS_DEVICE], device = _second_factor(user)
        if device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        request = HttpRequest()
        request.session = session
        self._set_login_cookies(request)

    def logout(self):
        """The session ends and the cookie goes, as Client.logout does, without first
        making a session for a client that has none."""
        cookie = self.cookies.get(settings.SESSION_COOKIE_NAME)
        if cookie is not None and cookie.value:
            import_module(settings.SESSION_ENGINE).SessionStore(cookie.value).delete()
        self.cookies = SimpleCookie()

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "logout", logout)

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests import demo_rows as rows
from workforce import demo
from workforce.models import Capacity as C
from workforce.models import Membership, Organisation, Person, Team

DEMO_USERNAMES = {
    "lead",
    "supervisor",
    "peer",
    "peer2",
    "safeguarding",
    "finance",
    "admin",
    "outsider",
}


def _counts():
    return (
        Organisation.objects.count(),
        Team.objects.count(),
        get_user_model().objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
    )


def test_seed_demo_creates_the_logins_and_is_idempotent(db, settings, demo_rows):
    settings.DEBUG = True
    real = rows.seed_for_real()
    # The copied demo that other tests use (tests/demo_rows.py) has as many rows in every
    # table as a real seed writes.
    assert {table: len(lines) for table, lines in real.items()} == demo_rows.counts()
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    users = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
    assert {u.username for u in users} == DEMO_USERNAMES
    assert all(u.check_password(demo.DEMO_PASSWORD) for u in users)
    assert Organisation.objects.filter(kind=Organisation.Kind.NHS_TRUST).count() == 1
    assert Organisation.objects.filter(kind=Organisation.Kind.VCSE).count() == 1
    # A small partner in Scotland (no logins), so deadlines show Scotland's bank holidays.
    scottish = Organisation.objects.get(name=demo.SCOTTISH_PARTNER)
    assert (scottish.kind, scottish.nation) == ("user_led", "scotland")
    assert scottish.teams.count() == 1 and not scottish.people.exists()
    others = Organisation.objects.exclude(pk=scottish.pk).values_list("nation", flat=True)
    assert set(others) == {"england"}


def test_demo_capacities(demo_seeded):
    trust = Organisation.objects.get(kind=Organisation.Kind.NHS_TRUST)
    vcse = Organisation.objects.get(kind=Organisation.Kind.VCSE)

    def caps(username):
        return set(
            Membership.objects.filter(user__username=username).values_list(
                "organisation_id", "capacity"
            )
        )

    assert caps("lead") == {(trust.pk, C.COPRODUCTION_LEAD)}
    assert caps("peer") == {(trust.pk, C.PEER_WORKER)}
    assert caps("outsider") == {(vcse.pk, C.COPRODUCTION_LEAD)}
    admin_login = get_user_model().objects.get(username="admin")
    assert admin_login.is_staff and not admin_login.is_superuser


def test_seed_demo_refuses_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DJANGO_DEBUG off"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()


def test_demo_logins_that_need_two_step_sign_in_can_use_the_demo_code(demo_seeded, client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from workforce.demo import twofactor as demo_twofactor

    with_device = set(
        TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True)
    )
    assert {"lead", "safeguarding", "finance", "admin", "outsider"} <= with_device
    assert not {"peer", "peer2", "supervisor"} & with_device
    client.post("/accounts/login/", {"username": "lead", "password": demo.DEMO_PASSWORD})
    response = client.post(
        "/accounts/two-factor/verify/", {"code": demo_twofactor.current_code(), "next": "/"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_demo_code_refuses_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run"):
        call_command("demo_code")


def test_the_logins_table_names_the_admin_sites_scope():
    """`make run` prints it: it failed when the demo administrator stopped being a
    superuser."""
    from workforce import demo

    table = demo.logins_table()
    admin_line = next(line for line in table.splitlines() if line.strip().startswith("admin "))
    assert "Django admin (their organisation only)" in admin_line
    assert "Django admin" not in next(
        line for line in table.splitlines() if line.strip().startswith("lead ")
    )

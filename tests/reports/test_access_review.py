"""The quarterly access review: every login in the viewer's organisation, what it opens,
and flags for dormant logins, leavers still able to sign in and missing two-step sign-in."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PersonFactory, UserFactory
from tests.reports.helpers import csv_tables, page_tables, table
from workforce.models import Person

User = get_user_model()
DAY = datetime.timedelta(days=1)


def _rows_by_login(rows):
    return {row[1]: row for row in rows}


def _setup(org, personas):
    now = timezone.now()
    User.objects.filter(pk=personas["peer"].pk).update(last_login=now - 91 * DAY)
    User.objects.filter(pk=personas["peer2"].pk).update(last_login=now - 89 * DAY)
    Person.objects.filter(user=personas["supervisor"]).update(
        status="left", end_date=timezone.localdate(), leaving_reason="resigned"
    )
    TOTPDevice.objects.create(user=personas["safeguarding"], name="app", confirmed=True)
    gone = UserFactory(username="gone", is_active=False)
    PersonFactory(
        organisation=org,
        user=gone,
        full_name="Gone Away",
        status="left",
        end_date=timezone.localdate(),
        leaving_reason="resigned",
    )


def test_lead_sees_every_login_here_with_access_and_flags(client, org, personas):
    _setup(org, personas)
    client.force_login(personas["lead"])
    rows = _rows_by_login(table(page_tables(client, "access-review"), "Test NHS Trust"))
    assert set(rows) == {
        "lead", "supervisor", "peer", "peer2", "safeguarding", "finance", "admin", "gone"
    }  # fmt: skip
    assert "outsider" not in rows  # another organisation's lead
    name, login, caps, organisation, gives, last, two_step, status, flags = rows["peer"]
    assert (name, caps, organisation, status) == ("Peer", "Peer worker", "Test NHS Trust", "Active")
    assert "their own record" in gives
    assert flags == "No sign-in for 90 days"
    assert rows["peer2"][-1] == ""  # 89 days: just inside
    assert "Has left but can still sign in" in rows["supervisor"][-1]
    assert rows["finance"][6] == "Off"
    assert rows["finance"][-1] == "Two-step sign-in required but not set up"
    assert rows["safeguarding"][6] == "On"
    assert rows["safeguarding"][-1] == ""
    assert rows["lead"][6] == "On"  # signed in through two-step just now
    assert rows["admin"][4].endswith("the admin site")
    assert rows["gone"][2:5] == ["None", "Test NHS Trust", "Nothing: no capacity here"]
    assert (rows["gone"][7], rows["gone"][-1]) == ("Switched off", "")
    assert rows["peer"][5] != "Never" and rows["finance"][5] == "Never"
    # Rows needing a look come first.
    ordered = list(rows)
    assert ordered.index("supervisor") < ordered.index("peer2")


def test_csv_has_the_same_rows_as_the_page(client, org, personas):
    _setup(org, personas)
    client.force_login(personas["admin"])
    page = table(page_tables(client, "access-review"), "Test NHS Trust")
    assert table(csv_tables(client, "access-review"), "Test NHS Trust") == page


def test_outsider_sees_only_their_own_organisation(client, org, other_org, personas):
    _setup(org, personas)
    client.force_login(personas["outsider"])
    tables = page_tables(client, "access-review")
    assert list(tables) == ["Other Partner: logins and what they can see"]
    assert set(_rows_by_login(tables["Other Partner: logins and what they can see"])) == {
        "outsider"
    }


def test_diversity_note_is_not_on_this_report(client, personas):
    client.force_login(personas["lead"])
    from django.urls import reverse

    page = client.get(reverse("reports:access-review")).content.decode()
    assert "rounded up or down to a multiple of 5" not in page
    assert (
        "rounded up or down to a multiple of 5"
        in client.get(reverse("reports:diversity")).content.decode()
    )

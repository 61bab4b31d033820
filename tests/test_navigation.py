import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("lead", ["Co-production lead:"], ["Finance:", "Peer worker:"]),
        ("peer", ["Peer worker:"], ["Co-production lead:", "Finance:"]),
        ("supervisor", ["Supervisor:"], ["Peer worker:"]),
        ("safeguarding", ["Safeguarding lead:"], ["Finance:"]),
        ("finance", ["Finance:"], ["Safeguarding lead:"]),
        ("admin", ["Administrator:", "Admin site"], ["Peer worker:"]),
    ],
)
def test_home_shows_what_each_capacity_can_do(client, personas, who, shown, hidden):
    client.force_login(personas[who])
    html = client.get(reverse("home")).content.decode()
    for text in shown:
        assert text in html
    for text in hidden:
        assert text not in html


def test_admin_link_only_for_staff(client, personas):
    client.force_login(personas["lead"])
    assert "Admin site" not in client.get(reverse("home")).content.decode()


def test_home_lists_only_own_organisations(client, personas, org, other_org):
    client.force_login(personas["peer"])
    html = client.get(reverse("home")).content.decode()
    assert org.name in html
    assert other_org.name not in html


def test_user_without_membership_is_told_what_to_do(client, db):
    client.force_login(UserFactory(username="newcomer"))
    html = client.get(reverse("home")).content.decode()
    assert "not linked to any organisation" in html
    assert "Organisations" in html  # the menu still works, showing an empty list


def test_base_template_accessibility_landmarks(client, personas):
    client.force_login(personas["peer"])
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en-GB">' in html
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert "<main" in html and "<nav" in html and "<header>" in html
    assert 'aria-current="page"' in html


def test_home_query_count_is_small(client, personas, django_assert_max_num_queries):
    client.force_login(personas["admin"])
    # 16: the twelve before, the version checks of the two kept figures
    # (workforce/figures.py; in a test transaction that has written, they are counted live),
    # and the training panel's organisation counts and list.
    with django_assert_max_num_queries(16):
        assert client.get(reverse("home")).status_code == 200


def test_pages_with_personal_data_are_not_cached(client, personas):
    client.force_login(personas["peer"])
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]


def test_no_cdn_assets_are_referenced(client, personas):
    client.force_login(personas["peer"])
    html = client.get(reverse("home")).content.decode()
    for attr in ('src="http', 'src="//', 'href="http', 'href="//'):
        assert attr not in html


def test_every_page_names_an_icon_the_app_serves(client, personas):
    """Without one, Chromium asks for /favicon.ico, gets a 404 and logs an error to the
    console, which costs every page its Lighthouse best-practices score (bench/README.md)."""
    from django.contrib.staticfiles import finders

    client.force_login(personas["peer"])
    html = client.get(reverse("home")).content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', html)
    assert icon and finders.find(icon.group(1))

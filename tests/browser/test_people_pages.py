"""Every workforce register page passes axe-core (WCAG 2.0-2.2 A/AA) with real data in it,
for the lead at desktop width and for a peer worker on a phone."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, assert_accessible
from tests.factories import PersonFactory
from workforce.register import services


def _data(org, personas):
    lead, peer = personas["lead"], personas["peer"]
    version = factories.published_version(org, lead)
    assignment = factories.assign(peer.person, version, supervisor=personas["supervisor"], by=lead)
    yearly = version.training_requirements.get(renewal_months=12)
    services.training_record_create(
        person=peer.person,
        requirement=yearly,
        completed_on=timezone.localdate() - datetime.timedelta(days=340),
        by=lead,
    )
    services.wellbeing_plan_update(person=peer.person, by=peer, keeps_me_well="Walking")
    services.diversity_profile_update(person=peer.person, by=peer, sex="female")
    for i in range(6):
        PersonFactory(organisation=org, full_name=f"Register Person {i}")
    factories.newer_version(version, lead)
    return assignment


def test_lead_pages(page, personas, org, sign_in):
    assignment = _data(org, personas)
    pk, a = assignment.person_id, assignment.pk
    sign_in(page, personas["lead"])
    for path in [
        "/people/",
        "/people/?status=left",
        f"/people/{pk}/",
        f"/people/{pk}/edit/",
        f"/people/{pk}/leave/",
        f"/people/{pk}/wellbeing/",
        f"/people/{pk}/wellbeing/edit/",
        f"/people/{pk}/training/new/",
        f"/people/{personas['peer2'].person.pk}/invite/",
        f"/assignments/{a}/change/",
        f"/assignments/{a}/end/",
        f"/assignments/{a}/move/",
        "/people/new/",
        "/training/?show=expiring",
        "/diversity/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page, f"{path} as lead")


def test_lead_sees_form_errors_accessibly(page, personas, org, sign_in):
    sign_in(page, personas["lead"])
    page.goto("/people/new/")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "add person with errors")


def test_peer_pages_on_a_phone(browser_context, personas, org, sign_in):
    assignment = _data(org, personas)
    page = browser_context(PHONE).new_page()
    sign_in(page, personas["peer"])
    for path in [
        "/me/",
        f"/people/{assignment.person_id}/wellbeing/",
        f"/people/{assignment.person_id}/wellbeing/edit/",
        "/me/diversity/",
        "/people/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page, f"{path} as peer on a phone")

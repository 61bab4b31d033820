"""The nation an organisation works in: England unless set, changed only by its own
administrators (audited), refused by the database when unknown, and used by deadlines."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import OrganisationFactory, make_login
from workforce.models import AuditEntry, Organisation
from workforce.models import Capacity as C
from workforce.register import services

N = Organisation.Nation


def test_an_organisation_works_in_england_unless_set(db):
    assert OrganisationFactory().nation == N.ENGLAND


def test_the_database_refuses_a_nation_it_does_not_know(org):
    with pytest.raises(IntegrityError, match="organisation_nation_known"), transaction.atomic():
        Organisation.objects.filter(pk=org.pk).update(nation="cornwall")


def test_an_administrator_changes_the_nation_audited(org, admin_user):
    services.organisation_nation_update(organisation=org, by=admin_user, nation=N.SCOTLAND)
    org.refresh_from_db()
    assert org.nation == N.SCOTLAND
    entry = AuditEntry.objects.get(action="organisation.nation_changed")
    assert entry.organisation_id == org.pk and entry.actor == admin_user
    assert entry.changes == {"nation": ["england", "scotland"]}
    assert entry.summary == "Test NHS Trust now works in Scotland (was England)"


def test_only_its_own_administrators_change_the_nation(org, other_org, lead, operator):
    elsewhere = make_login("admin-elsewhere", other_org, C.ADMIN)
    for who in (lead, elsewhere, operator):
        with pytest.raises(services.WorkforceError, match="Only administrators of Test NHS"):
            services.organisation_nation_update(organisation=org, by=who, nation=N.WALES)
    org.refresh_from_db()
    assert org.nation == N.ENGLAND
    assert not AuditEntry.objects.filter(action="organisation.nation_changed").exists()


@pytest.mark.parametrize(
    ("nation", "message"), [("cornwall", "Choose England"), ("england", "already recorded")]
)
def test_an_unknown_or_unchanged_nation_is_refused(org, admin_user, nation, message):
    with pytest.raises(services.WorkforceError, match=message) as refused:
        services.organisation_nation_update(organisation=org, by=admin_user, nation=nation)
    assert refused.value.field == "nation"
    assert not AuditEntry.objects.exists()


def test_only_an_operator_sets_an_organisation_up(db, admin_user, operator):
    with pytest.raises(services.WorkforceError, match="installation operator"):
        services.organisation_set_up(
            organisation=Organisation(name="New", kind="vcse"), by=admin_user
        )
    made = services.organisation_set_up(
        organisation=Organisation(name="New", kind="vcse", nation=N.NORTHERN_IRELAND),
        by=operator,
    )
    entry = AuditEntry.objects.get(action="organisation.set_up")
    assert entry.object_id == str(made.pk) and entry.organisation_id == made.pk
    assert entry.changes["nation"] == [None, "northern_ireland"]
    with pytest.raises(services.WorkforceError, match="already set up"):
        services.organisation_set_up(organisation=made, by=operator)


def test_the_nation_page_shows_the_choice_and_ties_errors_to_it(client, org, admin_user):
    client.force_login(admin_user)
    url = reverse("workforce:organisation_nation", kwargs={"pk": org.pk})
    detail = client.get(reverse("workforce:organisation", kwargs={"pk": org.pk})).text
    assert "working in England" in detail and url in detail
    page = client.get(url).text
    assert "<legend" in page and "Where does it work?" in page
    assert page.count('name="nation"') == 4 and 'value="northern_ireland"' in page
    again = client.post(url, {"nation": "england"})
    assert again.context["form"].errors["nation"] == [
        "Test NHS Trust is already recorded as working in England."
    ]
    done = client.post(url, {"nation": "wales"})
    assert done.url == reverse("workforce:organisation", kwargs={"pk": org.pk})
    org.refresh_from_db()
    assert org.nation == N.WALES

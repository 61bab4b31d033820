import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from tests.factories import PersonFactory, make_login
from workforce.models import Capacity as C
from workforce.models import Membership, Organisation, Person, Team
from workforce.organisations import access


def test_anonymous_and_inactive_users_see_nothing(personas, org):
    assert not access.scoped(AnonymousUser(), Organisation).exists()
    lead = personas["lead"]
    lead.is_active = False
    lead.save()
    lead = type(lead).objects.get(pk=lead.pk)
    assert not access.scoped(lead, Organisation).exists()
    assert not access.can(lead, "view", org)


def test_organisations_and_teams_are_scoped_by_membership(personas, org, other_org):
    assert list(access.scoped(personas["peer"], Organisation)) == [org]
    assert list(access.scoped(personas["outsider"], Organisation)) == [other_org]
    assert {t.organisation_id for t in access.scoped(personas["peer"], Team)} == {org.pk}


def test_people_peer_sees_only_self_leads_see_their_organisation(personas, org, other_org):
    stranger = PersonFactory(organisation=other_org)
    colleague = PersonFactory(organisation=org)
    peer_people = set(access.scoped(personas["peer"], Person))
    assert peer_people == {personas["peer"].person}
    lead_people = set(access.scoped(personas["lead"], Person))
    assert colleague in lead_people and personas["peer"].person in lead_people
    assert stranger not in lead_people
    assert set(access.scoped(personas["outsider"], Person)) == {
        personas["outsider"].person,
        stranger,
    }


def test_memberships_own_or_managed(personas, org):
    peer_rows = access.scoped(personas["peer"], Membership)
    assert {m.user_id for m in peer_rows} == {personas["peer"].pk}
    lead_rows = access.scoped(personas["lead"], Membership)
    assert personas["peer"].pk in {m.user_id for m in lead_rows}
    assert personas["outsider"].pk not in {m.user_id for m in lead_rows}


def test_deny_by_default_for_models_and_actions(personas, org):
    assert not access.scoped(personas["admin"], Group).exists()
    assert not access.can(personas["admin"], "delete", org)
    assert not access.can(personas["admin"], "no-such-action", org)


def test_get_object_for_hides_other_organisations(personas, org, other_org):
    assert access.get_object_for(personas["lead"], Organisation, pk=org.pk) == org
    with pytest.raises(Http404):
        access.get_object_for(personas["lead"], Organisation, pk=other_org.pk)
    with pytest.raises(Http404):
        access.get_object_for(personas["lead"], Organisation, pk=999999)


def test_capacities_are_per_organisation(org, other_org):
    user = make_login("dual", org, C.PEER_WORKER)
    Membership.objects.create(user=user, organisation=other_org, capacity=C.COPRODUCTION_LEAD)
    assert access.has_capacity(user, C.COPRODUCTION_LEAD)
    assert not access.has_capacity(user, C.COPRODUCTION_LEAD, organisation_id=org.pk)
    assert access.has_capacity(user, C.COPRODUCTION_LEAD, organisation_id=other_org.pk)
    assert access.organisation_ids(user, C.COPRODUCTION_LEAD) == {other_org.pk}
    # A lead elsewhere does not see this organisation's register.
    assert set(access.scoped(user, Person).filter(organisation=org)) == {user.person}


def test_access_required_decorator(personas):
    @access.access_required(C.FINANCE)
    def finance_only(request):
        return "ok"

    request = RequestFactory().get("/x")
    request.user = personas["finance"]
    assert finance_only(request) == "ok"
    request.user = personas["peer"]
    with pytest.raises(PermissionDenied):
        finance_only(request)
    request.user = AnonymousUser()
    assert finance_only(request).status_code == 302


def test_capacities_read_once_per_user_object(personas, django_assert_num_queries):
    lead = type(personas["lead"]).objects.get(pk=personas["lead"].pk)
    with django_assert_num_queries(1):
        access.capacities(lead)
        access.has_capacity(lead, C.COPRODUCTION_LEAD)
        access.organisation_ids(lead)

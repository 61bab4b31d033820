"""The Django admin is no side door (issue 21, findings 1, 2 and 8).

Every registered model admin goes through workforce/adminscope.py: the rows of the user's
own organisations only, filters and search only on the allow-listed fields, nothing
changed, no secrets shown. The sweep below sends every field of every registered model as
a filter and as an `__icontains` lookup, and a search for text that lives only in private
fields, as each kind of admin user.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core import checks
from django.urls import NoReverseMatch, reverse

from tests.factories import (
    DiversityProfileFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
    WellbeingPlanFactory,
    make_login,
    make_supervision_session,
    report_incident,
)
from workforce.models import AuditEntry, Membership, Organisation, Person
from workforce.models import Capacity as C
from workforce.organisations.adminscope import ScopedAdmin

PROJECT_APPS = ["workforce", "roles", "supervision", "incidents", "payments"]
MARKER = "Zqxallotmentinstagram"


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def private_records(org, personas):
    """Private words in every kind of private field, in the trust."""
    peer = personas["peer"].person
    WellbeingPlanFactory(person=peer, keeps_me_well=f"My {MARKER} keeps me well")
    DiversityProfileFactory(person=peer, sexual_orientation="bisexual")
    make_supervision_session(
        supervisor=personas["supervisor"], supervisees=[peer], notes=f"Talked about {MARKER}"
    )
    report_incident(personas["lead"], peer, narrative=f"Contact on {MARKER} after hours")
    return peer


def test_every_project_model_is_registered_through_the_scoped_admin():
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            assert admin.site.is_registered(model), f"{model.__name__} is not in the admin"
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, ScopedAdmin), model
    assert not [e for e in checks.run_checks(tags=[checks.Tags.admin]) if e.is_serious()]


def test_no_secrets_or_django_permissions_in_the_admin():
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(Group)
    with pytest.raises(NoReverseMatch):
        reverse("admin:auth_user_password_change", args=[1])


@pytest.mark.parametrize("who", ["lead", "peer", "finance", "outsider"])
def test_admin_refuses_non_staff(client, personas, who):
    client.force_login(personas[who])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_an_administrator_capacity_sees_nothing(client, personas, org):
    """Finding 2: staff with view permissions and no membership saw every organisation."""
    from django.contrib.auth.models import Permission

    nobody = UserFactory(username="staffonly", is_staff=True)
    nobody.user_permissions.set(Permission.objects.all())
    lead = personas["lead"]
    lead.is_staff = True
    lead.save()
    for user in (nobody, lead):
        client.force_login(user)
        assert client.get(reverse("admin:index")).context["app_list"] == []
        assert client.get(reverse("admin:workforce_person_changelist")).status_code == 403


def test_an_administrator_sees_only_their_organisations_rows(client, personas, other_org):
    outsider_person = personas["outsider"].person
    client.force_login(personas["admin"])
    listing = client.get(
        reverse("admin:workforce_person_changelist"),
        {"organisation__id__exact": other_org.pk},
    )
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 0
    shown = set(
        client.get(reverse("admin:workforce_person_changelist"))
        .context["cl"]
        .queryset.values_list("organisation_id", flat=True)
    )
    assert shown == {personas["admin"].person.organisation_id}
    page = client.get(reverse("admin:workforce_person_change", args=[outsider_person.pk]))
    assert page.status_code == 302  # Django's "does not exist" redirect, nothing shown
    memberships = client.get(reverse("admin:workforce_membership_changelist")).context["cl"]
    assert all(m.organisation_id != other_org.pk for m in memberships.queryset)


def test_nothing_is_changed_or_moved_through_the_admin(client, personas, other_org):
    peer = personas["peer"].person
    client.force_login(personas["admin"])
    url = reverse("admin:workforce_person_change", args=[peer.pk])
    response = client.post(
        url, {"full_name": "Moved", "organisation": other_org.pk, "status": "active"}
    )
    assert response.status_code == 403
    peer.refresh_from_db()
    assert (peer.full_name, peer.organisation_id) != ("Moved", other_org.pk)
    assert client.get(reverse("admin:workforce_membership_add")).status_code == 403
    assert client.get(reverse("admin:workforce_person_add")).status_code == 403
    assert client.post(reverse("admin:workforce_organisation_add"), {}).status_code == 403


def test_the_superuser_is_an_operator_who_reads_no_records(client, operator, personas, org):
    """Finding 8: a superuser is for setting an installation up, not a door round the
    rules: it sees organisations, teams and logins' names, and no one's records."""
    client.force_login(operator)
    assert client.get(reverse("admin:workforce_organisation_changelist")).status_code == 200
    for name in (
        "workforce_person",
        "workforce_membership",
        "workforce_auditentry",
        "incidents_incident",
        "supervision_sessionnote",
        "payments_claim",
    ):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403, name
    response = client.post(
        reverse("admin:workforce_organisation_add"),
        {"name": "New Trust", "kind": "nhs_trust", "nation": "scotland"},
    )
    assert response.status_code == 302
    # Setting an organisation up records its nation and is audited.
    new_org = Organisation.objects.get(name="New Trust")
    assert new_org.nation == Organisation.Nation.SCOTLAND
    entry = AuditEntry.objects.get(action="organisation.set_up", object_id=str(new_org.pk))
    assert entry.actor == operator and entry.changes["nation"] == [None, "scotland"]
    login = client.get(
        reverse("admin:auth_user_change", args=[personas["safeguarding"].pk])
    ).content.decode()
    assert "safeguarding" in login
    assert personas["safeguarding"].password not in login
    assert "md5$" not in login and "argon2" not in login and "pbkdf2" not in login


def test_the_demo_administrator_is_not_a_superuser(db):
    from workforce import demo

    (admin_login,) = [login for login in demo.LOGINS if login.username == "admin"]
    assert admin_login.staff
    assert "superuser" not in {f.name for f in demo.DemoLogin.__dataclass_fields__.values()}


@pytest.mark.parametrize(
    "url",
    [
        "/admin/workforce/diversityprofile/?sexual_orientation=bisexual",
        f"/admin/supervision/sessionnote/?text__icontains={MARKER}",
        f"/admin/workforce/wellbeingplan/?keeps_me_well__icontains={MARKER}",
        f"/admin/incidents/incident/?narrative__icontains={MARKER}",
    ],
)
def test_the_findings_filter_urls_are_refused(client, personas, private_records, url):
    client.force_login(personas["admin"])
    assert client.get(url).status_code == 400


def _lookups(model):
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # reverse relations
        yield field.name
        if getattr(field, "attname", field.name) != field.name:
            yield field.attname
        yield f"{field.name}__icontains"


def test_no_private_field_can_be_matched_by_any_lookup_or_search(
    client, personas, operator, private_records
):
    """Every field of every registered model as a filter, an __icontains lookup and a search
    term: only the allow-listed filters are applied, and private words match nothing."""
    sent = 0
    for user in (personas["admin"], operator):
        client.force_login(user)
        for model, model_admin in admin.site._registry.items():
            url = _changelist(model)
            if client.get(url).status_code == 403:
                continue
            # A search for the private words finds exactly what a search for words nobody
            # wrote finds (nothing, or every row where the admin has no search at all).
            searched = client.get(url, {"q": MARKER}).context["cl"]
            baseline = client.get(url, {"q": "Nobodywrotethis"}).context["cl"]
            assert searched.result_count == baseline.result_count, (model, "search")
            sent += 3
            for lookup in _lookups(model):
                response = client.get(url, {lookup: MARKER})
                sent += 1
                if model_admin.lookup_allowed(lookup, MARKER):
                    assert response.status_code in (200, 302), (model, lookup)
                    continue
                assert response.status_code == 400, (model, lookup, user)
    assert sent > 500


def test_filters_and_search_name_only_readable_fields():
    for model, model_admin in admin.site._registry.items():
        readable = set(model_admin.fields)
        for item in model_admin.list_filter:
            assert item.split("__")[0] in readable, (model, item)
        for item in model_admin.search_fields:
            assert item.split("__")[0] in readable, (model, item)


# --- Capacities change on the organisation's own page, audited, never by oneself.


def _grant(client, org, user, capacity):
    return client.post(
        reverse("workforce:capacities", kwargs={"pk": org.pk}),
        {"user": user.pk, "capacity": capacity},
    )


def test_an_administrator_gives_a_capacity_on_the_page_audited(client, personas, org):
    from workforce.models import AuditEntry

    lead = personas["lead"]
    client.force_login(personas["admin"])
    page = client.get(reverse("workforce:capacities", kwargs={"pk": org.pk})).content.decode()
    assert "lead" in page and "Co-production lead" in page
    response = _grant(client, org, lead, C.SAFEGUARDING_LEAD)
    assert response.status_code == 302
    assert Membership.objects.filter(user=lead, capacity=C.SAFEGUARDING_LEAD).exists()
    entry = AuditEntry.objects.get(action="membership.granted")
    assert entry.organisation_id == org.pk and entry.actor == personas["admin"]


def test_nobody_gives_themselves_a_capacity(client, personas, org):
    """Finding 8: the administrator made themselves a safeguarding lead and read
    narratives."""
    from workforce.models import AuditEntry
    from workforce.register import services

    admin_user = personas["admin"]
    client.force_login(admin_user)
    response = _grant(client, org, admin_user, C.SAFEGUARDING_LEAD)
    assert response.status_code == 200
    assert "another administrator" in response.content.decode()
    with pytest.raises(services.WorkforceError):
        services.membership_grant(
            user=admin_user, organisation=org, capacity=C.SAFEGUARDING_LEAD, by=admin_user
        )
    assert not Membership.objects.filter(user=admin_user, capacity=C.SAFEGUARDING_LEAD).exists()
    (own,) = Membership.objects.filter(user=admin_user)
    client.post(reverse("workforce:capacity_end", kwargs={"pk": org.pk, "membership_pk": own.pk}))
    assert Membership.objects.filter(pk=own.pk).exists()
    assert not AuditEntry.objects.exists()


def test_no_capacity_in_another_organisation(client, personas, org, other_org):
    from workforce.register import services

    admin_user = personas["admin"]
    client.force_login(admin_user)
    assert (
        client.get(reverse("workforce:capacities", kwargs={"pk": other_org.pk})).status_code == 404
    )
    stranger = make_login("stranger", other_org, C.PEER_WORKER)
    response = _grant(client, org, stranger, C.SAFEGUARDING_LEAD)
    assert response.status_code == 200  # not offered
    with pytest.raises(services.WorkforceError, match="not part of"):
        services.membership_grant(
            user=stranger, organisation=org, capacity=C.SAFEGUARDING_LEAD, by=admin_user
        )
    assert not Membership.objects.filter(user=stranger, organisation=org).exists()
    other_membership = MembershipFactory(
        user=personas["outsider"], organisation=other_org, capacity=C.FINANCE
    )
    response = client.post(
        reverse(
            "workforce:capacity_end",
            kwargs={"pk": org.pk, "membership_pk": other_membership.pk},
        )
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=other_membership.pk).exists()


def test_a_leaver_or_a_duplicate_is_refused_with_a_message(client, personas, org):
    from workforce.register import services

    peer2 = personas["peer2"]
    with pytest.raises(services.WorkforceError, match="already"):
        services.membership_grant(
            user=peer2, organisation=org, capacity=C.PEER_WORKER, by=personas["admin"]
        )
    leaver = PersonFactory(organisation=org, user=UserFactory(username="gone"))
    Person.objects.filter(pk=leaver.pk).update(
        status="left", end_date="2026-01-01", leaving_reason="resigned"
    )
    with pytest.raises(services.WorkforceError, match="has left"):
        services.membership_grant(
            user=leaver.user, organisation=org, capacity=C.PEER_WORKER, by=personas["admin"]
        )


def test_an_organisations_first_administrator_comes_from_the_operator_once(org, personas):
    """The only capacity an installation operator gives, and only to an organisation with
    no administrator yet."""
    import io

    from django.core.management import CommandError, call_command

    from tests.factories import OrganisationFactory
    from workforce.models import AuditEntry

    new = OrganisationFactory(name="New Partner")
    first = UserFactory(username="first.admin")
    out = io.StringIO()
    call_command(
        "first_administrator",
        "--organisation",
        "New Partner",
        "--username",
        "first.admin",
        stdout=out,
    )
    assert Membership.objects.filter(user=first, organisation=new, capacity=C.ADMIN).exists()
    entry = AuditEntry.objects.get(action="membership.granted")
    assert entry.organisation_id == new.pk and entry.actor is None
    second = UserFactory(username="second.admin")
    with pytest.raises(CommandError, match="already has an administrator"):
        call_command(
            "first_administrator", "--organisation", "New Partner", "--username", "second.admin"
        )
    with pytest.raises(CommandError, match="already has an administrator"):
        call_command("first_administrator", "--organisation", org.name, "--username", "peer")
    assert not Membership.objects.filter(user=second).exists()

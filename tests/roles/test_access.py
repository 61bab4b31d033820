"""Who sees and does what with roles: leads and admins write; everyone in the organisation
reads what has been published; drafts are hidden from everyone else; other organisations
get "not found"."""

import pytest
from django.urls import reverse

from roles import services
from roles.models import Role, RoleVersion
from tests.factories import make_role_version
from workforce.organisations import access

READERS = ["supervisor", "peer", "peer2", "safeguarding", "finance"]
WRITERS = ["lead", "admin"]


def test_scopes(personas, published, draft, two_versions, other_org):
    stranger = make_role_version(other_org, title="Elsewhere")
    superseded = published
    for who in READERS:
        versions = set(access.scoped(personas[who], RoleVersion))
        assert versions == {superseded, two_versions}, who
        assert set(access.scoped(personas[who], Role)) == {published.role}, who
    for who in WRITERS:
        versions = set(access.scoped(personas[who], RoleVersion))
        assert versions == {superseded, two_versions, draft}, who
        assert set(access.scoped(personas[who], Role)) == {published.role, draft.role}, who
    assert set(access.scoped(personas["outsider"], RoleVersion)) == {stranger}


def test_rules(personas, published, draft, org, other_org):
    for who in WRITERS:
        assert access.can(personas[who], "view", draft.role)
        assert access.can(personas[who], "view", draft)
        assert access.can(personas[who], "edit", published.role)
        assert access.can(personas[who], "create_role", org)
    for who in READERS:
        assert access.can(personas[who], "view", published.role)
        assert access.can(personas[who], "view", published)
        assert not access.can(personas[who], "edit", published.role)
        assert not access.can(personas[who], "create_role", org)
        # A role nobody has published does not exist for them, by rule as by scope.
        assert not access.can(personas[who], "view", draft.role)
        assert not access.can(personas[who], "view", draft)
    outsider = personas["outsider"]
    assert not access.can(outsider, "view", published.role)
    assert not access.can(outsider, "edit", published.role)
    assert access.can(outsider, "create_role", other_org)


@pytest.mark.parametrize("who", READERS + WRITERS)
def test_everyone_in_the_organisation_reads_published_and_older_versions(
    client, personas, two_versions, who
):
    client.force_login(personas[who])
    role = two_versions.role_id
    for url in [
        reverse("roles:detail", args=[role]),
        reverse("roles:version", args=[role, 1]),  # superseded: kept for history
        reverse("roles:version", args=[role, 2]),
        reverse("roles:print", args=[role, 1]),
        reverse("roles:history", args=[role]),
        reverse("roles:diff", args=[role]),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", READERS)
def test_drafts_are_not_found_by_readers(client, personas, published, draft, lead, who):
    new_draft, _ = services.role_version_new_draft_from(version=published, by=lead)
    client.force_login(personas[who])
    # A role never published does not exist for them at all.
    for url in [
        reverse("roles:detail", args=[draft.role_id]),
        reverse("roles:version", args=[draft.role_id, 1]),
        reverse("roles:print", args=[draft.role_id, 1]),
        reverse("roles:history", args=[draft.role_id]),
        reverse("roles:diff", args=[draft.role_id]),
        # The draft of a published role is hidden too.
        reverse("roles:version", args=[published.role_id, new_draft.number]),
        reverse("roles:print", args=[published.role_id, new_draft.number]),
    ]:
        assert client.get(url).status_code == 404, url
    listed = client.get(reverse("roles:list")).context["page"].object_list
    assert [role.pk for role in listed] == [published.role_id]
    detail = client.get(reverse("roles:detail", args=[published.role_id])).content.decode()
    assert "draft" not in detail.lower()
    history = client.get(reverse("roles:history", args=[published.role_id])).content.decode()
    assert f"Version {new_draft.number}" not in history


@pytest.mark.parametrize("who", WRITERS)
def test_writers_see_drafts(client, personas, draft, who):
    client.force_login(personas[who])
    html = client.get(reverse("roles:detail", args=[draft.role_id])).content.decode()
    assert "This is a draft" in html
    assert client.get(reverse("roles:edit_draft", args=[draft.role_id])).status_code == 200
    assert "Recovery College peer tutor" in client.get(reverse("roles:list")).content.decode()


@pytest.mark.parametrize("who", READERS)
def test_readers_cannot_write(client, personas, published, draft, who):
    client.force_login(personas[who])
    posts = [
        reverse("roles:new_draft", args=[published.role_id]),
        reverse("roles:retire", args=[published.role_id]),
        reverse("roles:publish", args=[draft.role_id]),
        reverse("roles:discard_draft", args=[draft.role_id]),
        reverse("roles:edit_draft", args=[draft.role_id]),
        reverse("roles:create"),
    ]
    for url in posts:
        assert client.post(url, {"title": "Hijack"}).status_code == 403, url
    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.status == "published" and draft.status == "draft"
    assert Role.objects.count() == 2 and RoleVersion.objects.count() == 2
    html = client.get(reverse("roles:detail", args=[published.role_id])).content.decode()
    assert (
        "Retire role" not in html
        and reverse("roles:new_draft", args=[published.role_id]) not in html
    )


def test_other_organisations_get_not_found(client, personas, published, draft):
    client.force_login(personas["outsider"])
    role = published.role_id
    for url in [
        reverse("roles:detail", args=[role]),
        reverse("roles:version", args=[role, 1]),
        reverse("roles:print", args=[role, 1]),
        reverse("roles:history", args=[role]),
        reverse("roles:diff", args=[role]),
        reverse("roles:retire", args=[role]),
        reverse("roles:edit_draft", args=[draft.role_id]),
        reverse("roles:publish", args=[draft.role_id]),
        reverse("roles:discard_draft", args=[draft.role_id]),
        reverse("roles:create") + f"?organisation={published.role.organisation_id}",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("roles:new_draft", args=[role]),
        reverse("roles:retire", args=[role]),
        reverse("roles:publish", args=[draft.role_id]),
        reverse("roles:discard_draft", args=[draft.role_id]),
    ]:
        assert client.post(url).status_code == 404, url
    published.refresh_from_db()
    assert published.status == "published"
    assert RoleVersion.objects.count() == 2
    assert not list(client.get(reverse("roles:list")).context["page"].object_list)


def test_missing_ids_are_not_found(client, personas):
    client.force_login(personas["lead"])
    assert client.get(reverse("roles:detail", args=[987654])).status_code == 404
    assert client.get(reverse("roles:version", args=[987654, 1])).status_code == 404

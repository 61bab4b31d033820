"""Role pages: publishing and retiring through the pages (confirm first, POST only), the
role in plain language, history, differences, the printable description and the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roles import services
from roles.models import RoleVersion
from tests.factories import RoleFactory, RoleVersionFactory, make_role_version
from workforce.models import AuditEntry


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def test_publish_confirms_first_then_publishes_on_post(lead_client, draft):
    url = reverse("roles:publish", args=[draft.role_id])
    html = lead_client.get(url).content.decode()
    assert "can never be changed" in html and "Publish version 1" in html
    draft.refresh_from_db()
    assert draft.status == "draft"
    response = lead_client.post(url)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    assert AuditEntry.objects.filter(action="role.published").count() == 1


def test_publish_page_names_whats_missing_and_post_publishes_nothing(lead_client, org, lead):
    version = services.role_create(
        organisation=org,
        family="peer_support_worker",
        content=services.RoleContent(title="Half-written role", afc_band="3"),
        by=lead,
    )
    url = reverse("roles:publish", args=[version.role_id])
    html = lead_client.get(url).content.decode()
    assert "cannot be published yet" in html
    assert "Publish version 1</button>" not in html
    response = lead_client.post(url)
    html = response.content.decode()
    assert response.status_code == 200
    for item in ["duty", "exclusion", "supervision requirement", "escalation step"]:
        assert f"at least one {item}" in html
    version.refresh_from_db()
    assert version.status == "draft"


def test_publish_page_shows_what_will_change(lead_client, published, lead):
    draft, _ = services.role_version_new_draft_from(version=published, by=lead)
    RoleVersion.objects.filter(pk=draft.pk).update(title="Peer support worker (wards)")
    html = lead_client.get(reverse("roles:publish", args=[published.role_id])).content.decode()
    assert "What will change" in html and "Peer support worker (wards)" in html
    assert "Version 1 will be marked as replaced" in html


def test_edit_on_a_published_role_starts_a_draft_once(lead_client, published):
    url = reverse("roles:new_draft", args=[published.role_id])
    assert lead_client.get(url).status_code == 405
    response = lead_client.post(url)
    assert response["Location"] == reverse("roles:edit_draft", args=[published.role_id])
    lead_client.post(url)
    assert list(published.role.versions.values_list("number", "status")) == [
        (2, "draft"),
        (1, "published"),
    ]


def test_retire_confirms_first_and_records_the_reason(lead_client, published):
    url = reverse("roles:retire", args=[published.role_id])
    assert "Retire “Peer support worker”?" in lead_client.get(url).content.decode()
    published.refresh_from_db()
    assert published.status == "published"
    lead_client.post(url, {"reason": "Replaced by the community connector role"})
    published.refresh_from_db()
    assert published.status == "retired"
    assert published.retired_reason == "Replaced by the community connector role"
    html = lead_client.get(reverse("roles:detail", args=[published.role_id])).content.decode()
    assert "This role was retired on" in html and "community connector" in html


def test_discard_confirms_first(lead_client, draft):
    url = reverse("roles:discard_draft", args=[draft.role_id])
    assert "removes the role altogether" in lead_client.get(url).content.decode()
    assert lead_client.post(url)["Location"] == reverse("roles:list")
    assert not RoleVersion.objects.exists()


def test_role_page_in_plain_language(client, personas, published):
    client.force_login(personas["peer"])
    html = client.get(reverse("roles:detail", args=[published.role_id])).content.decode()
    for text in [
        "What you do",
        "What you must never do",
        "Clinical advice",
        "Crisis intervention",
        "Your supervision",
        "Line management supervision: at least every 56 days, for at least 60 minutes.",
        "When something goes wrong",
        "Employed, Band 3",
    ]:
        assert text in html, text


def test_superseded_version_says_so_and_links_to_the_current_one(client, personas, two_versions):
    client.force_login(personas["peer"])
    html = client.get(reverse("roles:version", args=[two_versions.role_id, 1])).content.decode()
    assert "This version was replaced on" in html
    assert reverse("roles:detail", args=[two_versions.role_id]) in html


def test_printable_description(client, personas, published):
    client.force_login(personas["peer"])
    response = client.get(reverse("roles:print", args=[published.role_id, 1]))
    html = response.content.decode()
    assert "roles/role-print.css" in html
    assert "What you must never do" in html and "Clinical advice" in html
    assert "Version</dt><dd>1, published" in html
    assert 'class="no-print' in html  # the on-screen help is not printed


def test_print_stylesheet_has_print_rules():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("roles/role-print.css")).read_text()
    assert "@media print" in css and "break-inside: avoid" in css


def test_diff_page_shows_fields_and_lists_that_changed(client, personas, two_versions):
    client.force_login(personas["peer"])
    response = client.get(reverse("roles:diff", args=[two_versions.role_id]))
    html = response.content.decode()
    diff = response.context["diff"]
    assert (response.context["before"], response.context["after"]) == (1, 2)
    assert [c.label for c in diff.fields] == ["Title", "Agenda for Change band"]
    assert "Co-facilitate recovery groups" in html and "Added" in html
    assert "<del>Band 3</del>" in html and "<ins>Band 4</ins>" in html
    # Either direction can be asked for.
    response = client.get(reverse("roles:diff", args=[two_versions.role_id]) + "?from=2&to=1")
    assert response.context["diff"].lists[0].removed == ["Co-facilitate recovery groups"]


def test_diff_with_one_version_says_there_is_nothing_to_compare(client, personas, published):
    client.force_login(personas["peer"])
    html = client.get(reverse("roles:diff", args=[published.role_id])).content.decode()
    assert "only one version" in html


def test_history_shows_who_did_what_and_leads_see_the_audit_trail(client, personas, two_versions):
    client.force_login(personas["lead"])
    html = client.get(reverse("roles:history", args=[two_versions.role_id])).content.decode()
    assert "Version 2" in html and "Version 1" in html and "Replaced" in html
    assert "Everything done to this role" in html
    assert "Published version 2 of" in html
    client.force_login(personas["peer"])
    html = client.get(reverse("roles:history", args=[two_versions.role_id])).content.decode()
    assert "Version 2" in html and "Everything done to this role" not in html


# --- The list


def _titles(response):
    return [role.current_title for role in response.context["page"].object_list]


@pytest.fixture
def several_roles(org, published, draft, lead):
    researcher = make_role_version(
        org,
        title="Peer researcher",
        family="peer_researcher",
        employment_basis="involvement_paid",
        afc_band="",
    )
    retired = make_role_version(org, title="Ward peer mentor")
    services.role_retire(role=retired.role, by=lead)
    services.role_version_new_draft_from(version=published, by=lead)
    return researcher


def test_list_filters_and_search(lead_client, several_roles, published):
    url = reverse("roles:list")
    assert _titles(lead_client.get(url)) == [
        "Peer researcher",
        "Peer support worker",
        "Recovery College peer tutor",
        "Ward peer mentor",
    ]
    assert _titles(lead_client.get(url, {"family": "peer_researcher"})) == ["Peer researcher"]
    assert _titles(lead_client.get(url, {"status": "published"})) == [
        "Peer researcher",
        "Peer support worker",
    ]
    assert _titles(lead_client.get(url, {"status": "draft"})) == ["Recovery College peer tutor"]
    assert _titles(lead_client.get(url, {"status": "retired"})) == ["Ward peer mentor"]
    assert _titles(lead_client.get(url, {"status": "changes"})) == ["Peer support worker"]
    assert _titles(lead_client.get(url, {"q": "RESEARCH"})) == ["Peer researcher"]
    assert _titles(lead_client.get(url, {"sort": "-title"}))[0] == "Ward peer mentor"
    assert _titles(lead_client.get(url, {"organisation": str(published.role.organisation_id)}))
    # Rubbish in the query string is ignored, not an error.
    assert (
        lead_client.get(url, {"family": "x", "status": "y", "sort": "z", "page": "q"}).status_code
        == 200
    )


def test_list_filter_by_organisation_for_someone_in_two(client, lead, org, other_org):
    from workforce.models import Membership

    Membership.objects.create(user=lead, organisation=other_org, capacity="peer_worker")
    make_role_version(org, title="Ours")
    make_role_version(other_org, title="Theirs")
    client.force_login(lead)
    url = reverse("roles:list")
    assert sorted(_titles(client.get(url))) == ["Ours", "Theirs"]
    assert _titles(client.get(url, {"organisation": other_org.pk})) == ["Theirs"]
    assert 'id="id_organisation"' in client.get(url).content.decode()


def test_list_empty_states(client, personas, org):
    client.force_login(personas["lead"])
    assert "Create the first role" in client.get(reverse("roles:list")).content.decode()
    client.force_login(personas["peer"])
    html = client.get(reverse("roles:list")).content.decode()
    assert "No roles have been published yet" in html and "Create a role" not in html
    html = client.get(reverse("roles:list"), {"q": "nothing"}).content.decode()
    assert "No roles match these filters" in html


def test_list_paginates(lead_client, org):
    for n in range(30):
        make_role_version(org, title=f"Role {n:02d}")
    first = lead_client.get(reverse("roles:list"))
    assert len(first.context["page"].object_list) == 25
    second = lead_client.get(reverse("roles:list"), {"page": 2})
    assert _titles(second) == [f"Role {n:02d}" for n in range(25, 30)]
    assert "Page 2 of 2" in second.content.decode()


def _make_roles(org, lead, count):
    for n in range(count):
        version = make_role_version(org, title=f"Role {n}")
        if n % 3 == 0:
            services.role_version_new_draft_from(version=version, by=lead)


def test_list_query_count_does_not_grow_with_the_number_of_roles(
    lead_client, org, lead, django_assert_max_num_queries
):
    url = reverse("roles:list")
    _make_roles(org, lead, 3)
    lead_client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        lead_client.get(url)
    _make_roles(org, lead, 27)
    with CaptureQueriesContext(connection) as many:
        response = lead_client.get(url)
    assert len(response.context["page"].object_list) == 25
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)
    with django_assert_max_num_queries(len(few)):
        lead_client.get(url, {"q": "Role", "status": "published", "sort": "-published"})


def test_role_page_query_count_does_not_grow_with_list_lengths(
    lead_client, org, django_assert_max_num_queries
):
    short = make_role_version(org, title="Short")
    long = make_role_version(
        org,
        title="Long",
        duties=[f"Duty {n}" for n in range(20)],
        exclusions=[f"Exclusion {n}" for n in range(20)],
        training=[(f"Course {n}", 12) for n in range(20)],
    )
    with CaptureQueriesContext(connection) as short_queries:
        lead_client.get(reverse("roles:detail", args=[short.role_id]))
    with django_assert_max_num_queries(len(short_queries)):
        lead_client.get(reverse("roles:detail", args=[long.role_id]))


# --- The peer worker's home page


def _assign(person, version, supervisor, **fields):
    from django.utils import timezone

    from workforce.models import Assignment

    values = {"start_date": timezone.localdate(), "hours_per_week": 22.5}
    values.update(fields)
    return Assignment.objects.create(
        person=person,
        role_version=version,
        team=version.role.organisation.teams.first(),
        supervisor=supervisor,
        **values,
    )


def test_home_shows_the_role_a_peer_worker_holds(client, personas, published):
    _assign(personas["peer"].person, published, personas["supervisor"])
    client.force_login(personas["peer"])
    html = client.get(reverse("home")).content.decode()
    assert "Your role: Peer support worker" in html
    for text in [
        "What you do",
        "What you must never do",
        "Crisis intervention",
        "Your supervision",
        "When something goes wrong",
    ]:
        assert text in html, text
    # Someone with no current assignment is told nothing about "their role".
    client.force_login(personas["peer2"])
    assert "Your role" not in client.get(reverse("home")).content.decode()


def test_home_keeps_the_version_given_and_ignores_ended_assignments(
    client, personas, published, org, request
):
    import datetime

    _assign(personas["peer"].person, published, personas["supervisor"])
    request.getfixturevalue("two_versions")  # version 2 published after the assignment
    ended = make_role_version(org, title="Ward peer mentor")
    _assign(
        personas["peer"].person,
        ended,
        personas["supervisor"],
        start_date=datetime.date(2025, 1, 6),
        end_date=datetime.date(2025, 6, 30),
    )
    client.force_login(personas["peer"])
    html = client.get(reverse("home")).content.decode()
    assert "Your role: Peer support worker</h2>" in html  # version 1, the one given
    assert "A newer version has been published since" in html
    assert "Ward peer mentor" not in html


def test_a_role_with_no_visible_version_is_not_found(client, personas, org):
    # Defensive: a Role row without versions (only possible by hand) shows nothing.
    role = RoleFactory(organisation=org)
    client.force_login(personas["lead"])
    assert client.get(reverse("roles:detail", args=[role.pk])).status_code == 404
    RoleVersionFactory(role=role)
    assert client.get(reverse("roles:detail", args=[role.pk])).status_code == 200

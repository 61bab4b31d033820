"""The role editor: one form and a formset per list. Bad input saves nothing and keeps what
the user typed; rows can be added, moved and removed without JavaScript."""

import re

import pytest
from django.urls import reverse

from roles.forms import LISTS
from roles.models import Role, RoleVersion
from tests.factories import make_role_version
from workforce.models import AuditEntry

GOOD_LISTS = {
    "duties": [
        {"text": "Build trusting relationships"},
        {"text": "Support people to appointments"},
    ],
    "exclusions": [
        {"text": "Clinical advice", "instead": "Refer to the care coordinator"},
        {"text": "Crisis intervention", "instead": ""},
    ],
    "supervision_requirements": [
        {"kind": "line_management", "min_frequency_days": "56", "min_minutes": "60"}
    ],
    "escalation_steps": [
        {"for_what": "Risk of harm", "who": "Duty worker", "how_fast": "immediately"}
    ],
}


def editor_data(*, lists=None, **fields):
    data = {
        "title": "Peer support worker",
        "family": "peer_support_worker",
        "purpose": "Offer hope through shared experience.",
        "lived_experience_kind": "personal",
        "lived_experience_detail": "",
        "employment_basis": "employed",
        "afc_band": "3",
    }
    data.update(fields)
    lists = GOOD_LISTS if lists is None else lists
    for spec in LISTS:
        rows = lists.get(spec.prefix, [])
        data[f"{spec.prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{spec.prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{spec.prefix}-{i}-{key}"] = value
    return data


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def test_create_saves_a_draft_with_every_list_in_order(lead_client, org):
    response = lead_client.post(reverse("roles:create"), editor_data())
    version = RoleVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("roles:detail", args=[version.role_id])
    assert version.role.organisation == org and version.role.family == "peer_support_worker"
    assert version.status == "draft" and version.afc_band == "3"
    assert list(version.duties.values_list("text", flat=True)) == [
        "Build trusting relationships",
        "Support people to appointments",
    ]
    assert list(version.exclusions.values_list("text", "instead")) == [
        ("Clinical advice", "Refer to the care coordinator"),
        ("Crisis intervention", ""),
    ]
    assert version.supervision_requirements.get().min_frequency_days == 56
    assert version.escalation_steps.get().who == "Duty worker"


def test_create_page_starts_with_one_row_per_list_and_a_supervision_suggestion(lead_client):
    html = lead_client.get(reverse("roles:create")).content.decode()
    for spec in LISTS:
        assert f'name="{spec.prefix}-TOTAL_FORMS" value="1"' in html
        assert "<legend" in html and f"Add another {spec.noun}" in html
    assert 'name="supervision_requirements-0-min_frequency_days" value="56"' in html


def test_bad_input_saves_nothing_keeps_input_and_shows_errors(lead_client):
    lists = {
        **GOOD_LISTS,
        "duties": [{"text": "A duty worth keeping"}, {"text": "x" * 301}],
        "supervision_requirements": [
            {"kind": "peer", "min_frequency_days": "0", "min_minutes": "60"}
        ],
        "escalation_steps": [{"for_what": "Risk", "who": "", "how_fast": "immediately"}],
    }
    response = lead_client.post(
        reverse("roles:create"), editor_data(title="", afc_band="", lists=lists)
    )
    assert response.status_code == 200
    assert not Role.objects.exists() and not AuditEntry.objects.exists()
    html = response.content.decode()
    # Summary at the top, each item linking to its field.
    assert "There is a problem" in html
    assert 'href="#id_title"' in html and 'href="#id_afc_band"' in html
    assert 'href="#id_duties-1-text"' in html
    assert 'href="#id_supervision_requirements-0-min_frequency_days"' in html
    assert 'href="#id_escalation_steps-0-who"' in html
    assert "Choose the band for an employed role." in html
    # The user's input is still there.
    assert 'value="A duty worth keeping"' in html
    assert 'value="Clinical advice"' in html
    assert "x" * 301 in html


def test_editing_a_draft_with_bad_input_changes_nothing(lead_client, draft):
    url = reverse("roles:edit_draft", args=[draft.role_id])
    before = list(draft.duties.values_list("text", flat=True))
    lists = {**GOOD_LISTS, "duties": [{"text": "New duty"}]}
    lists["supervision_requirements"] = [
        {"kind": "peer", "min_frequency_days": "28", "min_minutes": "60"},
        {"kind": "peer", "min_frequency_days": "14", "min_minutes": "30"},
    ]
    response = lead_client.post(url, editor_data(title="Renamed", lists=lists))
    assert response.status_code == 200
    assert "Each type of supervision can be listed only once." in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Recovery College peer tutor"
    assert list(draft.duties.values_list("text", flat=True)) == before
    assert not AuditEntry.objects.filter(action="role.draft_updated").exists()


def test_add_another_row_keeps_input_shows_no_errors_and_saves_nothing(lead_client):
    data = editor_data(title="", lists={"duties": [{"text": "First duty"}]})
    data["add_duties"] = "1"
    response = lead_client.post(reverse("roles:create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Role.objects.exists()
    assert "There is a problem" not in html
    assert 'name="duties-TOTAL_FORMS" value="2"' in html
    assert 'value="First duty"' in html
    # Focus goes to the new row, so keyboard users carry on where they are.
    new_row = re.search(r'<input[^>]*name="duties-1-text"[^>]*>', html).group(0)
    assert "autofocus" in new_row


def test_add_another_row_when_editing_a_draft(lead_client, draft):
    url = reverse("roles:edit_draft", args=[draft.role_id])
    data = editor_data(title="Renamed, not yet saved", family="peer_researcher")
    data["add_exclusions"] = "1"
    html = lead_client.post(url, data).content.decode()
    assert 'name="exclusions-TOTAL_FORMS" value="3"' in html
    assert 'value="Renamed, not yet saved"' in html
    assert '<option value="peer_researcher" selected>' in html
    draft.refresh_from_db()
    assert draft.title == "Recovery College peer tutor"


def test_move_up_swaps_rows(lead_client):
    data = editor_data(lists={**GOOD_LISTS, "duties": [{"text": "Second"}, {"text": "First"}]})
    data["up_duties"] = "1"
    html = lead_client.post(reverse("roles:create"), data).content.decode()
    assert html.index('value="First"') < html.index('value="Second"')
    # And saving keeps the new order.
    data = editor_data(lists={**GOOD_LISTS, "duties": [{"text": "First"}, {"text": "Second"}]})
    lead_client.post(reverse("roles:create"), data)
    assert list(RoleVersion.objects.get().duties.values_list("text", flat=True)) == [
        "First",
        "Second",
    ]


def test_removed_and_blank_rows_are_not_saved(lead_client):
    lists = {
        **GOOD_LISTS,
        "duties": [
            {"text": "Keep me"},
            {"text": "Remove me", "DELETE": "on"},
            {"text": ""},
        ],
        "training_requirements": [{"item": "", "renewal_months": ""}],
    }
    response = lead_client.post(reverse("roles:create"), editor_data(lists=lists))
    assert response.status_code == 302
    version = RoleVersion.objects.get()
    assert list(version.duties.values_list("text", flat=True)) == ["Keep me"]
    assert not version.training_requirements.exists()


def test_tampered_management_form_is_an_error_not_a_crash(lead_client):
    data = editor_data()
    del data["duties-TOTAL_FORMS"]
    response = lead_client.post(reverse("roles:create"), data)
    assert response.status_code == 200
    assert not Role.objects.exists()


def test_edit_page_shows_the_drafts_lists_and_saves_changes(lead_client, draft, org):
    senior = make_role_version(org, title="Senior peer support worker", family="senior_peer")
    url = reverse("roles:edit_draft", args=[draft.role_id])
    html = lead_client.get(url).content.decode()
    assert 'value="Build trusting relationships through shared experience"' in html
    assert "Senior peer support worker (senior or lead peer worker)" in html
    lists = {
        **GOOD_LISTS,
        "progression_routes": [{"to_role": str(senior.role_id), "note": "After a year"}],
    }
    response = lead_client.post(url, editor_data(title="Peer trainer", lists=lists))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Peer trainer"
    assert draft.progression_routes.get().to_role_id == senior.role_id
    assert AuditEntry.objects.filter(action="role.draft_updated").count() == 1


def test_progression_cannot_name_another_organisations_role(lead_client, draft, other_org):
    elsewhere = make_role_version(other_org, title="Elsewhere")
    lists = {**GOOD_LISTS, "progression_routes": [{"to_role": str(elsewhere.role_id)}]}
    response = lead_client.post(
        reverse("roles:edit_draft", args=[draft.role_id]), editor_data(lists=lists)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not draft.progression_routes.exists()


def test_family_is_fixed_once_published(lead_client, published, lead):
    lead_client.post(reverse("roles:new_draft", args=[published.role_id]))
    html = lead_client.get(reverse("roles:edit_draft", args=[published.role_id])).content.decode()
    assert 'name="family"' not in html


def test_lead_of_two_organisations_chooses_where_the_role_belongs(client, org, other_org, lead):
    from workforce.models import Membership

    Membership.objects.create(user=lead, organisation=other_org, capacity="coproduction_lead")
    client.force_login(lead)
    html = client.get(reverse("roles:create")).content.decode()
    assert "Which organisation is this role for?" in html
    url = reverse("roles:create") + f"?organisation={other_org.pk}"
    assert client.post(url, editor_data()).status_code == 302
    assert Role.objects.get().organisation == other_org

"""The role lifecycle through the services: create, edit a draft, publish (with its rules),
edit a published role into a new version, retire, discard, and the audit trail of each."""

import pytest

from roles import services
from roles.models import (
    EscalationStep,
    ProgressionRoute,
    Role,
    RoleDuty,
    RoleExclusion,
    RoleVersion,
    SupervisionRequirement,
    TrainingRequirement,
)
from roles.services import RoleContent, RoleRuleError
from tests.factories import make_role_version
from tests.roles.conftest import content_of
from workforce.models import AuditEntry
from workforce.platform import audit

S = RoleVersion.Status


def complete_content(**overrides) -> RoleContent:
    values = {
        "title": "Peer support worker",
        "purpose": "Offer hope through shared experience.",
        "employment_basis": "employed",
        "afc_band": "3",
        "duties": [RoleDuty(text="Build trusting relationships"), RoleDuty(text="Signpost")],
        "exclusions": [
            RoleExclusion(text="Clinical advice", instead="Refer to the care coordinator"),
            RoleExclusion(text="Crisis intervention"),
        ],
        "supervision_requirements": [
            SupervisionRequirement(kind="line_management", min_frequency_days=56, min_minutes=60)
        ],
        "escalation_steps": [
            EscalationStep(who="Duty worker", for_what="Risk of harm", how_fast="immediately")
        ],
        "training_requirements": [TrainingRequirement(item="Safeguarding", renewal_months=36)],
    }
    values.update(overrides)
    return RoleContent(**values)


def actions(obj):
    return [entry.action for entry in audit.history(obj)]


def test_create_makes_a_draft_version_1_with_ordered_lists(org, lead):
    version = services.role_create(
        organisation=org, family="peer_support_worker", content=complete_content(), by=lead
    )
    assert (version.number, version.status, version.created_by) == (1, S.DRAFT, lead)
    assert version.role.organisation == org and version.role.created_by == lead
    assert [(d.position, d.text) for d in version.duties.all()] == [
        (1, "Build trusting relationships"),
        (2, "Signpost"),
    ]
    assert version.exclusions.first().instead == "Refer to the care coordinator"
    assert actions(version.role) == ["role.created"]
    entry = audit.history(version.role).get()
    assert entry.actor == lead and entry.organisation_id == org.pk


def test_create_refuses_an_unknown_family_and_saves_nothing(org, lead):
    with pytest.raises(RoleRuleError, match="family"):
        services.role_create(organisation=org, family="wizard", content=complete_content(), by=lead)
    assert not Role.objects.exists() and not AuditEntry.objects.exists()


def test_create_refuses_band_rules_with_a_clear_message(org, lead):
    with pytest.raises(RoleRuleError, match="Agenda for Change band"):
        services.role_create(
            organisation=org,
            family="peer_support_worker",
            content=complete_content(afc_band=""),
            by=lead,
        )
    assert not Role.objects.exists()
    # A band is dropped, not refused, when the role is not employed.
    version = services.role_create(
        organisation=org,
        family="expert_by_experience",
        content=complete_content(employment_basis="sessional", afc_band="3"),
        by=lead,
    )
    assert version.afc_band == ""


def test_update_draft_replaces_fields_and_lists_and_is_audited(draft, lead):
    content = content_of(draft)
    content.title = "Peer trainer"
    content.duties = [RoleDuty(text="Co-deliver courses")]
    content.exclusions = []
    services.role_version_update_draft(version=draft, content=content, by=lead)
    draft.refresh_from_db()
    assert draft.title == "Peer trainer"
    assert list(draft.duties.values_list("position", "text")) == [(1, "Co-deliver courses")]
    assert not draft.exclusions.exists()
    entry = audit.history(draft).get(action="role.draft_updated")
    assert entry.changes["title"] == ["Recovery College peer tutor", "Peer trainer"]
    assert entry.changes["exclusions"] == [2, 0]


def test_update_refuses_a_published_version(published, lead):
    with pytest.raises(RoleRuleError, match="can no longer be changed"):
        services.role_version_update_draft(
            version=published, content=complete_content(title="Changed"), by=lead
        )
    published.refresh_from_db()
    assert published.title == "Peer support worker"


def test_family_can_change_only_before_first_publish(draft, published, lead):
    services.role_version_update_draft(
        version=draft, content=content_of(draft), family="peer_researcher", by=lead
    )
    draft.role.refresh_from_db()
    assert draft.role.family == "peer_researcher"
    new_draft, _ = services.role_version_new_draft_from(version=published, by=lead)
    with pytest.raises(RoleRuleError, match="family of a role that has been published"):
        services.role_version_update_draft(
            version=new_draft, content=content_of(new_draft), family="peer_researcher", by=lead
        )


def test_supervision_types_are_listed_once(draft, lead):
    content = content_of(draft)
    content.supervision_requirements = [
        SupervisionRequirement(kind="peer", min_frequency_days=28, min_minutes=60),
        SupervisionRequirement(kind="peer", min_frequency_days=14, min_minutes=30),
    ]
    with pytest.raises(RoleRuleError, match="only once"):
        services.role_version_update_draft(version=draft, content=content, by=lead)


def test_progression_routes_must_lead_to_published_roles_of_the_organisation(
    org, other_org, draft, lead
):
    elsewhere = make_role_version(other_org, title="Elsewhere")
    unpublished = make_role_version(org, title="Unpublished", published=False)
    senior = make_role_version(org, title="Senior peer support worker", family="senior_peer")
    for target in (elsewhere.role, unpublished.role, draft.role):
        content = content_of(draft)
        content.progression_routes = [ProgressionRoute(to_role=target)]
        with pytest.raises(RoleRuleError):
            services.role_version_update_draft(version=draft, content=content, by=lead)
    content = content_of(draft)
    content.progression_routes = [ProgressionRoute(to_role=senior.role, note="After a year")]
    services.role_version_update_draft(version=draft, content=content, by=lead)
    assert draft.progression_routes.get().to_role == senior.role


def test_publish_makes_the_draft_published_and_audits_it(draft, lead):
    version = services.role_version_publish(version=draft, by=lead)
    assert version.status == S.PUBLISHED
    assert version.published_by == lead and version.published_at is not None
    assert actions(version) == ["role.published"]


@pytest.mark.parametrize(
    ("family", "empty", "named"),
    [
        ("peer_support_worker", "duties", "at least one duty"),
        ("peer_support_worker", "supervision_requirements", "at least one supervision"),
        ("peer_support_worker", "escalation_steps", "at least one escalation step"),
        ("peer_support_worker", "exclusions", "at least one exclusion"),
        ("senior_peer", "exclusions", "at least one exclusion"),
        ("expert_by_experience", "exclusions", "at least one exclusion"),
    ],
)
def test_each_publishing_rule_names_what_is_missing(org, lead, family, empty, named):
    version = services.role_create(
        organisation=org, family=family, content=complete_content(**{empty: []}), by=lead
    )
    with pytest.raises(RoleRuleError) as caught:
        services.role_version_publish(version=version, by=lead)
    assert named in caught.value.message
    assert len(caught.value.missing) == 1
    version.refresh_from_db()
    assert version.status == S.DRAFT and version.published_at is None
    assert "role.published" not in actions(version)


def test_an_empty_peer_draft_names_every_missing_item_and_publishes_nothing(org, lead):
    version = services.role_create(
        organisation=org,
        family="peer_support_worker",
        content=RoleContent(title="Peer support worker", afc_band="3"),
        by=lead,
    )
    with pytest.raises(RoleRuleError) as caught:
        services.role_version_publish(version=version, by=lead)
    message = caught.value.message
    for item in ["duty", "exclusion", "supervision requirement", "escalation step"]:
        assert f"at least one {item}" in message
    assert message.startswith("This role cannot be published yet.")
    assert not RoleVersion.objects.exclude(status=S.DRAFT).exists()


@pytest.mark.parametrize(
    "family",
    ["coproduction_lead", "peer_researcher", "peer_educator", "lived_experience_director", "other"],
)
def test_other_families_publish_without_exclusions(org, lead, family):
    version = services.role_create(
        organisation=org, family=family, content=complete_content(exclusions=[]), by=lead
    )
    assert services.role_version_publish(version=version, by=lead).is_published


def test_publishing_a_new_version_supersedes_the_old_one(two_versions, published, lead):
    published.refresh_from_db()
    assert published.status == S.SUPERSEDED and published.superseded_at is not None
    assert two_versions.status == S.PUBLISHED and two_versions.number == 2
    assert two_versions.based_on_id == published.pk
    assert RoleVersion.objects.filter(role=published.role, status=S.PUBLISHED).count() == 1
    assert actions(published) == ["role.superseded"]
    assert actions(two_versions) == ["role.draft_created", "role.draft_updated", "role.published"]
    assert audit.history(two_versions).last().changes["superseded_version"] == 1


def test_publishing_twice_is_refused(draft, lead):
    services.role_version_publish(version=draft, by=lead)
    with pytest.raises(RoleRuleError, match="already published"):
        services.role_version_publish(version=draft, by=lead)


def test_new_draft_copies_every_list_and_leaves_the_published_version_alone(published, lead):
    make_role_version(published.role.organisation, title="Senior", family="senior_peer")
    draft, created = services.role_version_new_draft_from(version=published, by=lead)
    assert created and draft.number == 2 and draft.status == S.DRAFT
    for name, _, fields in services.LISTS:
        copy = [
            tuple(getattr(i, f) for f in ("position", *fields)) for i in getattr(draft, name).all()
        ]
        original = [
            tuple(getattr(i, f) for f in ("position", *fields))
            for i in getattr(published, name).all()
        ]
        assert copy == original, name
    assert draft.title == published.title and draft.afc_band == published.afc_band
    published.refresh_from_db()
    assert published.status == S.PUBLISHED


def test_edit_when_a_draft_exists_returns_that_draft(published, lead):
    first, created = services.role_version_new_draft_from(version=published, by=lead)
    again, created_again = services.role_version_new_draft_from(version=published, by=lead)
    assert created and not created_again and again == first
    assert published.role.versions.count() == 2


def test_retire_retires_the_published_version_with_reason(published, lead):
    version = services.role_retire(role=published.role, reason=" Service closed ", by=lead)
    assert version.status == S.RETIRED and version.retired_by == lead
    assert version.retired_reason == "Service closed"
    assert actions(version) == ["role.retired"]
    with pytest.raises(RoleRuleError, match="Only a published role"):
        services.role_retire(role=published.role, by=lead)


def test_a_retired_role_comes_back_when_a_new_draft_is_published(published, lead):
    services.role_retire(role=published.role, by=lead)
    published.refresh_from_db()
    draft, _ = services.role_version_new_draft_from(version=published, by=lead)
    services.role_version_publish(version=draft, by=lead)
    published.refresh_from_db()
    assert published.status == S.RETIRED  # its own record is unchanged
    assert published.role.versions.get(status=S.PUBLISHED).number == 2


def test_discarding_a_draft(published, draft, lead):
    new, _ = services.role_version_new_draft_from(version=published, by=lead)
    assert services.role_draft_discard(version=new, by=lead) == published.role
    assert not RoleVersion.objects.filter(pk=new.pk).exists()
    # A role never published goes with its only draft.
    role_pk = draft.role_id
    assert services.role_draft_discard(version=draft, by=lead) is None
    assert not Role.objects.filter(pk=role_pk).exists()
    assert AuditEntry.objects.filter(action="role.draft_discarded").count() == 2
    with pytest.raises(RoleRuleError, match="only a draft"):
        services.role_draft_discard(version=published, by=lead)


def test_a_failed_service_writes_no_audit_entry(org, lead):
    version = services.role_create(
        organisation=org,
        family="peer_support_worker",
        content=RoleContent(title="X", afc_band="3"),
        by=lead,
    )
    before = AuditEntry.objects.count()
    with pytest.raises(RoleRuleError):
        services.role_version_publish(version=version, by=lead)
    assert AuditEntry.objects.count() == before

"""version_diff: field by field and list by list, in words a person can read."""

from roles import selectors, services
from roles.models import RoleVersion
from tests.factories import make_role_version
from tests.roles.conftest import content_of


def _loaded(*versions):
    pks = [v.pk for v in versions]
    loaded = {v.pk: v for v in selectors.with_lists(RoleVersion.objects.filter(pk__in=pks))}
    return [loaded[pk] for pk in pks]


def _edit(published, lead, change):
    draft, _ = services.role_version_new_draft_from(version=published, by=lead)
    content = content_of(draft)
    change(content)
    services.role_version_update_draft(version=draft, content=content, by=lead)
    return draft


def _list(diff, label):
    return next(item for item in diff.lists if item.label == label)


def test_identical_versions_have_no_changes(published, lead):
    draft = _edit(published, lead, lambda content: None)
    diff = selectors.version_diff(*_loaded(published, draft))
    assert not diff.has_changes and diff.fields == []
    assert _list(diff, "Duties").unchanged == 1


def test_duties_added_removed_and_reworded(org, lead):
    published = make_role_version(org, duties=["Listen", "Signpost", "Co-facilitate groups"])

    def change(content):
        content.duties = [
            services.RoleDuty(text="Listen"),
            services.RoleDuty(text="Signpost to community groups"),  # reworded in place
            services.RoleDuty(text="Support people after discharge"),
        ]

    draft = _edit(published, lead, change)
    duties = _list(selectors.version_diff(*_loaded(published, draft)), "Duties")
    assert duties.unchanged == 1
    assert duties.changed == [
        ("Signpost", "Signpost to community groups"),
        ("Co-facilitate groups", "Support people after discharge"),
    ]
    assert duties.added == [] and duties.removed == []


def test_exclusion_added_and_removed(published, lead):
    def change(content):
        content.exclusions = [
            content.exclusions[0],
            services.RoleExclusion(text="Medication advice", instead="Ask the prescriber"),
        ]
        content.exclusions.insert(1, services.RoleExclusion(text="Lone home visits"))

    draft = _edit(published, lead, change)
    exclusions = _list(selectors.version_diff(*_loaded(published, draft)), "Exclusions")
    # "Crisis intervention" gave way to "Lone home visits" in its place; one more was added.
    assert exclusions.changed == [("Crisis intervention", "Lone home visits")]
    assert exclusions.added == ["Medication advice (instead: Ask the prescriber)"]
    assert exclusions.removed == [] and exclusions.unchanged == 1


def test_supervision_is_matched_by_type(published, lead):
    def change(content):
        line = content.supervision_requirements[0]
        content.supervision_requirements = [
            services.SupervisionRequirement(
                kind=line.kind, min_frequency_days=line.min_frequency_days, min_minutes=90
            ),
            services.SupervisionRequirement(kind="peer", min_frequency_days=28, min_minutes=60),
        ]

    draft = _edit(published, lead, change)
    supervision = _list(selectors.version_diff(*_loaded(published, draft)), "Supervision")
    assert supervision.changed == [
        (
            "Line management supervision: at least every 56 days, at least 60 minutes",
            "Line management supervision: at least every 56 days, at least 90 minutes",
        )
    ]
    assert supervision.added == ["Peer supervision: at least every 28 days, at least 60 minutes"]


def test_fields_and_progression(org, published, lead):
    senior = make_role_version(org, title="Senior peer support worker", family="senior_peer")

    def change(content):
        content.employment_basis = "sessional"
        content.afc_band = ""
        content.progression_routes = [services.ProgressionRoute(to_role=senior.role, note="")]

    draft = _edit(published, lead, change)
    diff = selectors.version_diff(*_loaded(published, draft))
    assert [(c.label, c.before, c.after) for c in diff.fields] == [
        (
            "Employment basis",
            "Employed on an Agenda for Change band",
            "Sessional (involvement bank)",
        ),
        ("Agenda for Change band", "Band 3", ""),
    ]
    assert _list(diff, "Progression routes").added == ["Senior peer support worker"]


def test_diff_runs_no_queries(two_versions, published, django_assert_num_queries):
    before, after = _loaded(published, two_versions)
    with django_assert_num_queries(0):
        selectors.version_diff(before, after)

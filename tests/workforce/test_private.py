"""Wellbeing plans (the person, their supervisor, co-production leads; every change audited)
and diversity answers (only the person; leads see suppressed counts only)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PersonFactory
from workforce import selectors, services
from workforce.models import AuditEntry, DiversityProfile, Person, WellbeingPlan
from workforce.models.diversity import CHARACTERISTICS
from workforce.selectors.diversity import Cell, _protect

# --- Wellbeing


def test_plan_changes_are_audited_by_section_without_the_words(personas, peer_assignment):
    peer = personas["peer"]
    services.wellbeing_plan_update(person=peer.person, by=peer, keeps_me_well="Walking")
    services.wellbeing_plan_update(
        person=peer.person, by=personas["supervisor"], keeps_me_well="Walking", what_helps="Quiet"
    )
    services.wellbeing_plan_update(person=peer.person, by=peer, keeps_me_well="Walking")
    entries = list(AuditEntry.objects.filter(action="wellbeing_plan.updated").order_by("pk"))
    assert [e.changes for e in entries] == [
        {"keeps_me_well": "added"},
        {"what_helps": "added"},
    ]  # the third save changed nothing, so recorded nothing
    services.wellbeing_plan_update(person=peer.person, by=peer, keeps_me_well="Running")
    last = AuditEntry.objects.filter(action="wellbeing_plan.updated").latest("pk")
    assert last.changes == {"keeps_me_well": "changed"}
    # The plan's words outlive nothing: retention can delete the plan and leave no copy.
    for entry in AuditEntry.objects.filter(action="wellbeing_plan.updated"):
        assert not {"Walking", "Quiet", "Running"} & set(str(entry.changes).split("'"))
        assert "Walking" not in entry.summary
    assert [e.actor for e in entries] == [peer, personas["supervisor"]]
    assert entries[0].organisation_id == peer.person.organisation_id


def test_plan_page_for_those_allowed_and_404_for_everyone_else(client, personas, peer_assignment):
    peer = personas["peer"]
    services.wellbeing_plan_update(person=peer.person, by=peer, early_signs="Not sleeping")
    url = reverse("workforce:wellbeing", args=[peer.person.pk])
    for who in ("peer", "supervisor", "lead"):
        client.force_login(personas[who])
        assert "Not sleeping" in client.get(url).content.decode(), who
    for who in ("peer2", "safeguarding", "finance", "admin", "outsider"):
        client.force_login(personas[who])
        assert client.get(url).status_code == 404, who


def test_supervisor_loses_the_plan_when_no_longer_supervising(client, personas, peer_assignment):
    from django.utils import timezone

    services.assignment_end(
        assignment=peer_assignment,
        end_date=timezone.localdate() - timezone.timedelta(days=1),
        by=personas["lead"],
    )
    client.force_login(personas["supervisor"])
    assert (
        client.get(reverse("workforce:wellbeing", args=[peer_assignment.person_id])).status_code
        == 404
    )


def test_person_edits_their_own_plan_on_the_page(client, personas):
    peer = personas["peer"]
    client.force_login(peer)
    response = client.post(
        reverse("workforce:wellbeing_edit", args=[peer.person.pk]),
        {
            "keeps_me_well": "Running",
            "early_signs": "",
            "what_helps": "",
            "adjustments_agreed": "Later start",
        },
    )
    assert response.status_code == 302
    plan = WellbeingPlan.objects.get(person=peer.person)
    assert (plan.keeps_me_well, plan.adjustments_agreed, plan.updated_by) == (
        "Running",
        "Later start",
        peer,
    )


def test_admin_site_shows_neither_plan_text_nor_diversity_answers(client, personas):
    peer = personas["peer"]
    services.wellbeing_plan_update(person=peer.person, by=peer, what_helps="SECRET-PLAN-TEXT")
    services.diversity_profile_update(person=peer.person, by=peer, religion_belief="buddhist")
    client.force_login(personas["admin"])
    plan = WellbeingPlan.objects.get()
    pages = [
        reverse("admin:workforce_wellbeingplan_changelist"),
        reverse("admin:workforce_wellbeingplan_change", args=[plan.pk]),
        reverse("admin:workforce_diversityprofile_changelist"),
        reverse(
            "admin:workforce_diversityprofile_change", args=[DiversityProfile.objects.get().pk]
        ),
        reverse("admin:workforce_auditentry_changelist"),
    ]
    for entry in AuditEntry.objects.all():
        pages.append(reverse("admin:workforce_auditentry_change", args=[entry.pk]))
    for url in pages:
        html = client.get(url).content.decode()
        assert "SECRET-PLAN-TEXT" not in html, url
        assert "Buddhist" not in html and "buddhist" not in html, url
    assert (
        client.post(reverse("admin:workforce_wellbeingplan_change", args=[plan.pk]), {}).status_code
        == 403
    )


# --- Diversity: own answers


def test_only_the_person_can_give_or_see_their_answers(client, personas):
    peer = personas["peer"]
    with pytest.raises(PermissionDenied):
        services.diversity_profile_update(person=peer.person, by=personas["lead"], sex="female")
    client.force_login(peer)
    response = client.post(
        reverse("workforce:my_diversity"), {"sex": "female", "age": "prefer_not_to_say"}
    )
    assert response.status_code == 302
    assert (
        'value="female" selected' in client.get(reverse("workforce:my_diversity")).content.decode()
    )
    # Another user's own page shows their (empty) answers, never peer's.
    client.force_login(personas["lead"])
    assert (
        'value="female" selected'
        not in client.get(reverse("workforce:my_diversity")).content.decode()
    )
    # The audit says it happened, not what was said or which questions changed.
    entry = AuditEntry.objects.get(action="diversity.updated")
    assert entry.changes == {} and "female" not in entry.summary


# --- Diversity: the leads' report


def _answer(org, n, **answers):
    for _ in range(n):
        person = PersonFactory(organisation=org)
        DiversityProfile.objects.create(person=person, **answers)


def _cells(report, field):
    characteristic = next(c for c in report.characteristics if c.field == field)
    return {cell.label: cell.display for cell in characteristic.cells}


def test_counts_below_five_are_fewer_than_five_and_one_more_is_hidden(personas, org):
    # The personas are 7 people here with no answers ("Not answered").
    _answer(org, 12, sex="female")
    _answer(org, 6, sex="male")
    _answer(org, 2, sex="prefer_not_to_say")
    report = selectors.diversity_report(personas["lead"], org)
    cells = _cells(report, "sex")
    assert cells["Prefer not to say"] == "fewer than 5"
    # Without this, 27 - 12 - 6 - 7 would give the hidden 2 back.
    assert cells["Male"] == "not shown"
    assert cells["Female"] == "12" and cells["Not answered"] == "7"
    assert report.population.display == "27"


def test_zero_is_hidden_too_so_none_cannot_be_told_from_one(personas, org):
    _answer(org, 6, disability="no")
    report = selectors.diversity_report(personas["lead"], org)
    cells = _cells(report, "disability")
    assert cells["Yes"] == "fewer than 5" and cells["Prefer not to say"] == "fewer than 5"


def test_no_hidden_count_can_be_recovered_by_subtraction(personas, org):
    _answer(org, 9, race="white", religion_belief="none")
    _answer(org, 3, race="asian", religion_belief="muslim")
    _answer(org, 6, race="black", religion_belief="christian")
    report = selectors.diversity_report(personas["lead"], org)
    total = report.population.count
    for characteristic in report.characteristics:
        hidden = [c for c in characteristic.cells if c.hidden]
        shown = sum(c.count for c in characteristic.cells if not c.hidden)
        if not hidden:
            continue
        # Whatever is hidden is more than one cell, and includes one that could be 5+, so
        # total minus the shown cells is never one small group's exact size.
        assert len(hidden) >= 2, characteristic.name
        assert any(c.hidden == "secondary" for c in hidden) or all(
            c.hidden == "small" for c in characteristic.cells
        ), characteristic.name
        assert total - shown >= 5 or all(c.hidden for c in characteristic.cells)


def test_secondary_suppression_rule():
    cells = [Cell("a", 20), Cell("b", None, "small"), Cell("c", 6), Cell("d", 9)]
    _protect(cells)
    assert [c.display for c in cells] == ["20", "fewer than 5", "not shown", "9"]
    untouched = [Cell("a", 20), Cell("b", 6)]
    _protect(untouched)
    assert [c.display for c in untouched] == ["20", "6"]


def test_report_is_one_query_with_small_numbers_never_leaving_the_database(personas, org):
    _answer(org, 3, sex="female")
    lead = type(personas["lead"]).objects.get(pk=personas["lead"].pk)
    from workforce import access

    access.capacities(lead)  # read once per request anyway
    with CaptureQueriesContext(connection) as queries:
        report = selectors.diversity_report(lead, org)
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert "COUNT(" in sql and "CASE WHEN" in sql and ">= 5" in sql
    assert _cells(report, "sex")["Female"] == "fewer than 5"
    # No row-level answers were fetched: the query is a single aggregate.
    assert "GROUP BY" not in sql


def test_leavers_are_not_counted(personas, org):
    _answer(org, 5, sex="female")
    Person.objects.filter(diversity__sex="female").update(
        status="left", end_date="2026-01-01", leaving_reason="other"
    )
    cells = _cells(selectors.diversity_report(personas["lead"], org), "sex")
    assert cells["Female"] == "fewer than 5"


def test_report_page_access_and_content(client, personas, org, other_org):
    _answer(org, 6, age="25_34")
    client.force_login(personas["lead"])
    html = client.get(reverse("workforce:diversity_report")).content.decode()
    assert "fewer than 5" in html and "25 to 34" in html
    for name, *_ in [(c[1],) for c in CHARACTERISTICS]:
        assert name in html
    client.force_login(personas["outsider"])
    html = client.get(
        reverse("workforce:diversity_report"), {"organisation": org.pk}
    ).content.decode()
    assert other_org.name in html and org.name not in html  # falls back to their own
    for who in ("peer", "supervisor", "safeguarding", "finance"):
        client.force_login(personas[who])
        assert client.get(reverse("workforce:diversity_report")).status_code == 403, who


def test_a_tiny_register_shows_no_figures_at_all(client, org, other_org, personas):
    # The outsider's organisation has one person: nothing but that.
    client.force_login(personas["outsider"])
    html = client.get(reverse("workforce:diversity_report")).content.decode()
    assert "fewer than 5 people" in html
    assert "too few people on the register to show any figures" in html
    assert "<table" not in html

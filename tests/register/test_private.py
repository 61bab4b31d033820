"""Wellbeing plans (the person, their supervisor, co-production leads; every change audited)
and diversity answers (only the person; leads see suppressed counts only)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory
from workforce.models import AuditEntry, DiversityProfile, Person, WellbeingPlan
from workforce.platform import disclosure
from workforce.register import selectors, services
from workforce.register.models.diversity import CHARACTERISTICS

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


def test_counts_are_rounded_and_small_ones_hidden(personas, org):
    # The personas are 7 people here with no answers ("Not answered").
    _answer(org, 12, sex="female")
    _answer(org, 6, sex="male")
    _answer(org, 2, sex="prefer_not_to_say")
    report = selectors.diversity_report(personas["lead"], org)
    cells = _cells(report, "sex")
    assert cells["Prefer not to say"] == cells["Male"] == cells["Not answered"] == "fewer than 10"
    assert cells["Female"] in ("10", "15")
    assert report.population.display in ("25", "30")


def test_zero_is_hidden_too_so_none_cannot_be_told_from_one(personas, org, settings):
    _answer(org, 16, disability="no")
    # This table (0, 16, 0 and 7 not answered) is withheld whole under about one key in six
    # by the one-person check, and the key holds the organisation's id, which depends on the
    # tests run before: try secrets until it is shown, so the test always sees the cells.
    for attempt in range(20):
        settings.SECRET_KEY = f"test-disclosure-secret-{attempt}"
        cells = _cells(selectors.diversity_report(personas["lead"], org), "disability")
        if disclosure.WITHHELD not in cells.values():
            break
        assert set(cells.values()) == {disclosure.WITHHELD}  # withheld means nothing shown
    assert cells["Yes"] == "fewer than 10" and cells["Prefer not to say"] == "fewer than 10"
    assert cells["No"] in ("15", "20")


def test_report_is_one_query_with_small_numbers_never_leaving_the_database(personas, org):
    _answer(org, 3, sex="female")
    lead = type(personas["lead"]).objects.get(pk=personas["lead"].pk)
    from workforce.organisations import access

    access.capacities(lead)  # read once per request anyway
    with CaptureQueriesContext(connection) as queries:
        report = selectors.diversity_report(lead, org)
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert "COUNT(" in sql
    assert _cells(report, "sex")["Female"] == "fewer than 10"
    # No row-level answers were fetched: the query is a single aggregate.
    assert "GROUP BY" not in sql


def test_leavers_are_not_counted(personas, org):
    _answer(org, 12, sex="female")
    Person.objects.filter(diversity__sex="female").update(
        status="left", end_date="2026-01-01", leaving_reason="other"
    )
    cells = _cells(selectors.diversity_report(personas["lead"], org), "sex")
    assert cells["Female"] == "fewer than 10"


def test_report_page_access_and_content(client, personas, org, other_org):
    _answer(org, 6, age="25_34")
    client.force_login(personas["lead"])
    html = client.get(reverse("workforce:diversity_report")).content.decode()
    assert "fewer than 10" in html and "25 to 34" in html
    assert disclosure.RULE in html
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
    assert "fewer than 10 people" in html
    assert "too few people on the register to show any figures" in html
    assert "<table" not in html


# --- Diversity: nothing to learn by comparing reports or by subtraction


def _shown(report) -> dict[tuple[str, str], str]:
    return {
        (characteristic.field, cell.label): cell.display
        for characteristic in report.characteristics
        for cell in characteristic.cells
    }


def _figures(shown, field):
    cells = [v for (f, _), v in shown.items() if f == field]
    if disclosure.WITHHELD in cells:
        return None
    return [int(v) if v.isdigit() else None for v in cells]


def _answers_open(before, after, field, headcount, change) -> set[str]:
    """What someone who knows the rule and both headcounts can tell about the person who
    joined or left, by the brute-force solver that knows nothing of disclosure.py."""
    from tests.platform.test_disclosure import _candidates

    labels = [label for f, label in before if f == field]
    found = _candidates(
        _figures(before, field),
        _figures(after, field),
        headcount,
        headcount + change,
        disclosure.possible,
        len(labels),
    )
    return {labels[i] for i in found}


@pytest.mark.parametrize("change", [-1, 1], ids=["one leaves", "one joins"])
def test_one_person_joining_or_leaving_gives_no_answer_away(personas, org, change):
    """The finding: one leaver took "Female" from 10 to 9. Now, for each of the nine
    questions, comparing the report before and after one person joins or leaves leaves more
    than one answer open, their own among them."""
    _answer(org, 10, sex="female", age="25_34", religion_belief="none")
    _answer(org, 10, sex="male", age="35_44", religion_belief="christian")
    before = _shown(selectors.diversity_report(personas["lead"], org))
    headcount = Person.objects.filter(organisation=org).exclude(status="left").count()
    if change < 0:
        person = Person.objects.filter(diversity__sex="female").first()
        services.person_leave(
            person=person, by=personas["lead"], end_date=timezone.localdate(), reason="other"
        )
    else:
        _answer(org, 1, sex="female", age="25_34", religion_belief="none")
        person = Person.objects.order_by("pk").last()
    after = _shown(selectors.diversity_report(personas["lead"], org))
    assert after[("sex", "Female")] not in ("9", "11")
    for key, was in before.items():
        now = after[key]
        if was.isdigit() and now.isdigit():
            assert abs(int(was) - int(now)) != 1, (key, was, now)
            assert int(now) % 5 == 0, (key, now)
    profile = DiversityProfile.objects.get(person=person)
    for field, _, _, choices in CHARACTERISTICS:
        value = getattr(profile, field)
        own = choices(value).label if value else "Not answered"
        open_answers = _answers_open(before, after, field, headcount, change)
        assert own in open_answers and len(open_answers) >= 2, (field, own, open_answers)


def _pinned(displays: list[str], total: int) -> list[str]:
    """The cells whose exact count follows from the others and the headcount (which a lead
    knows from the register). A shown number is taken as exact, the strongest reading."""
    small = [int(d.split()[-1]) for d in displays if d.startswith("fewer than ")]
    ranges = []
    for display in displays:
        if display.isdigit():
            ranges.append((int(display), int(display)))
        elif display.startswith("fewer than "):
            ranges.append((0, int(display.split()[-1]) - 1))
        elif display == "not shown":  # hidden to protect a smaller one: as big as one shown
            ranges.append((max(small, default=0), total))
        else:
            ranges.append((0, total))
    low, high = sum(lo for lo, _ in ranges), sum(hi for _, hi in ranges)
    pinned = []
    for display, (lo, hi) in zip(displays, ranges, strict=True):
        lo, hi = max(lo, total - (high - hi)), min(hi, total - (low - lo))
        if lo == hi and not display.isdigit():
            pinned.append(f"{display} = {lo}")
    return pinned


def test_hidden_cells_cannot_be_solved_from_the_headcount(personas, org):
    """Today's secondary suppression: Female 20, Male 5, Prefer not to say 0 and the 7
    personas not answered. Male is the one "not shown", so at least 5; the two hidden cells
    add up to 32 - 20 - 7 = 5, so Male is 5 and nobody preferred not to say."""
    _answer(org, 20, sex="female")
    _answer(org, 5, sex="male")
    report = selectors.diversity_report(personas["lead"], org)
    total = Person.objects.filter(organisation=org).exclude(status="left").count()
    for characteristic in report.characteristics:
        displays = [cell.display for cell in characteristic.cells]
        assert _pinned(displays, total) == [], (characteristic.name, displays)


def test_one_person_changing_their_answers_gives_nothing_away(personas, org):
    """The audit trail tells a lead when someone updated their answers (not which), so the
    report before and after must leave both their old and their new answer open."""
    _answer(org, 10, sex="female", religion_belief="none")
    _answer(org, 10, sex="male", religion_belief="christian")
    peer = personas["peer"]
    services.diversity_profile_update(
        person=peer.person, by=peer, sex="female", religion_belief="none"
    )
    lead = personas["lead"]
    before = _shown(selectors.diversity_report(lead, org))
    headcount = Person.objects.filter(organisation=org).exclude(status="left").count()
    services.diversity_profile_update(
        person=peer.person, by=peer, sex="male", religion_belief="christian"
    )
    after = _shown(selectors.diversity_report(lead, org))
    from tests.platform.test_disclosure import _brute

    for field, *_ in CHARACTERISTICS:
        labels = [label for f, label in before if f == field]
        found = _brute(
            _figures(before, field),
            _figures(after, field),
            headcount,
            disclosure.possible,
            len(labels),
            "changed",
        )
        olds = {labels[old] for old, _ in found}
        news = {labels[new] for _, new in found}
        assert len(olds) >= 2 and len(news) >= 2, (field, olds, news)

"""Costly figures are kept until what they count changes (workforce/figures.py).

The versions are raised by triggers at commit, so most of these tests commit for real
(`transaction=True`); the rest check what a transaction sees of its own changes."""

import importlib
import re

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from payments import services as payments_services
from payments.models import BatchLine
from supervision.selectors import organisation_overview, organisation_summaries
from tests import factories
from tests.factories import OrganisationFactory, TeamFactory
from workforce.platform import figures
from workforce.platform.models import FiguresVersion
from workforce.reports.dashboard import attention


def _home_count(user, label: str) -> int | None:
    """The count the user's home page shows against `label`."""
    return {item.label: item.count for panel in attention(user) for item in panel.items}[label]


def _triggers() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname LIKE 'figures_%%'"
        )
        return set(cursor.fetchall())


@pytest.mark.django_db
def test_every_table_of_a_topic_has_its_triggers_and_no_other_table_has_any():
    expected = {
        (table, f"figures_{kind}_{topic}")
        for topic, tables in figures.TOPIC_TABLES.items()
        for table in tables
        for kind in ("note_insert", "note_update", "note_delete", "raise")
    }
    assert _triggers() == expected


def _versions(topic: str) -> dict[int, int]:
    return dict(
        FiguresVersion.objects.filter(topic=topic).values_list("organisation_number", "version")
    )


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_raises_its_organisations_version_once_and_a_rollback_not_at_all():
    organisation, other = OrganisationFactory(), OrganisationFactory()
    for name in ("A", "B", "C"):
        TeamFactory(organisation=organisation, name=name)
    TeamFactory(organisation=other)
    before = _versions(figures.SUPERVISION)
    payments_before = _versions(figures.PAYMENTS)
    other_version = figures.version(figures.SUPERVISION, [other.pk])

    with transaction.atomic():
        organisation.teams.update(description="Three rows, one statement")
        organisation.teams.filter(name="A").update(name="A team")
    after = _versions(figures.SUPERVISION)
    assert after[organisation.pk] == before[organisation.pk] + 1
    # Only that organisation's row: the other's figures stay kept.
    assert after[other.pk] == before[other.pk]
    assert figures.version(figures.SUPERVISION, [other.pk]) == other_version
    assert figures.version(figures.SUPERVISION, [organisation.pk]) != figures.version(
        figures.SUPERVISION, [other.pk]
    )
    # Teams are not counted by any payments figure.
    assert _versions(figures.PAYMENTS) == payments_before

    with pytest.raises(RuntimeError), transaction.atomic():
        organisation.teams.update(description="Never committed")
        raise RuntimeError
    assert _versions(figures.SUPERVISION) == after


@pytest.mark.django_db(transaction=True)
def test_a_change_in_one_organisation_keeps_the_others_figures():
    first, second = OrganisationFactory(), OrganisationFactory()
    counted = []

    def count(org):
        return lambda: counted.append(org) or len(counted)

    def figure(org):
        return figures.cached(
            figures.SUPERVISION, ("t", org.pk), count(org), organisations=[org.pk]
        )

    figure(first), figure(second)
    figure(first), figure(second)  # both kept
    assert counted == [first, second]
    TeamFactory(organisation=first)
    figure(first), figure(second)
    assert counted == [first, second, first]


# The organisation of each watched table's rows, by the ORM, for the triggers' own lookups.
ORGANISATION_OF = {
    "supervision_supervisionsession": ("supervision", "SupervisionSession", "organisation"),
    "supervision_sessionsupervisee": ("supervision", "SessionSupervisee", "session__organisation"),
    "workforce_assignment": ("workforce", "Assignment", "person__organisation"),
    "workforce_person": ("workforce", "Person", "organisation"),
    "workforce_team": ("workforce", "Team", "organisation"),
    "workforce_membership": ("workforce", "Membership", "organisation"),
    "roles_roleversion": ("roles", "RoleVersion", "role__organisation"),
    "roles_supervisionrequirement": (
        "roles",
        "SupervisionRequirement",
        "version__role__organisation",
    ),
    "payments_claim": ("payments", "Claim", "organisation"),
    "payments_batch": ("payments", "Batch", "organisation"),
    "payments_batchline": ("payments", "BatchLine", "batch__organisation"),
}


def test_the_triggers_find_the_organisation_of_every_row_of_every_watched_table(demo_seeded):
    """Each table's lookup in migration 0014 (child tables through their parent) gives
    every row of the demo data the organisation the ORM gives it."""
    from django.apps import apps

    migration = importlib.import_module(
        "workforce.migrations.0014_figures_versions_per_organisation"
    )
    watched = {table for tables in figures.TOPIC_TABLES.values() for table in tables}
    assert set(migration.ORG_OF) == watched == set(ORGANISATION_OF)
    for table, (app, model, path) in ORGANISATION_OF.items():
        expected = dict(apps.get_model(app, model).objects.values_list("pk", path))
        with connection.cursor() as cursor:
            lookup = migration.ORG_OF[table]  # the migration's own SQL, and table names
            cursor.execute(f"SELECT changed.id, {lookup} FROM {table} changed")  # noqa: S608
            found = dict(cursor.fetchall())
        assert expected, f"{table}: the demo has no rows"
        assert found == expected, table


@pytest.mark.django_db(transaction=True)
def test_raised_under_set_constraints_immediate_too():
    """With the deferred triggers made immediate (as Django's constraint checks do), each
    statement's row trigger fires before its statement trigger has noted the
    organisations: the versions are raised all the same, once per statement."""
    organisation = OrganisationFactory()
    TeamFactory(organisation=organisation)
    before = _versions(figures.SUPERVISION)[organisation.pk]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        organisation.teams.update(description="First")
        organisation.teams.update(description="Second")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        organisation.teams.update(description="Third, at commit")
    assert _versions(figures.SUPERVISION)[organisation.pk] == before + 3


@pytest.mark.django_db(transaction=True)
def test_a_commit_in_one_organisation_never_waits_for_a_writer_in_another():
    """Before, every commit raised one row per topic: a writer whose raise had fired held
    it until its transaction ended, and every other writer's commit queued behind it."""
    import psycopg
    from django.db import connection as django_connection

    first, second = OrganisationFactory(), OrganisationFactory()
    held, beside = TeamFactory(organisation=first), TeamFactory(organisation=first)
    TeamFactory(organisation=second)
    params = django_connection.get_connection_params()
    params.pop("cursor_factory", None), params.pop("context", None)
    with psycopg.connect(**params) as holder, psycopg.connect(**params) as other:
        # The first organisation's writer raises its version and keeps its transaction open.
        holder.execute("SET CONSTRAINTS ALL IMMEDIATE")
        holder.execute("UPDATE workforce_team SET description = 'held' WHERE id = %s", [held.pk])
        # The second's commit would have queued on the shared row: now it cannot wait.
        other.execute("SET lock_timeout = '2s'")
        other.execute(
            "UPDATE workforce_team SET description = 'free' WHERE organisation_id = %s",
            [second.pk],
        )
        other.commit()
        # A writer of another row in the holder's organisation still waits for it.
        other.execute("SET lock_timeout = '200ms'")
        other.execute("UPDATE workforce_team SET description = 'queued' WHERE id = %s", [beside.pk])
        with pytest.raises(psycopg.errors.LockNotAvailable):
            other.commit()
        holder.rollback()


@pytest.mark.django_db(transaction=True)
def test_confirming_a_session_updates_the_compliance_page_and_the_home_page(
    client, fixture, lead, supervisor, org
):
    session = factories.logged_by_peer(fixture)  # peer and peer2 never supervised

    def figures_seen():
        page = client.get(reverse("supervision:compliance")).content.decode()
        total = re.search(r"\((\d+) of \d+: \d+ overdue, (\d+) never supervised", page)
        in_date, never = (int(found) for found in total.groups())
        return never, in_date, _home_count(lead, "Supervision overdue")

    client.force_login(lead)
    assert figures_seen() == (2, 0, 2)
    assert figures_seen() == (2, 0, 2)  # from the cache this time
    client.force_login(supervisor)
    response = client.post(reverse("supervision:confirm", kwargs={"pk": session.pk}))
    assert response.status_code == 302
    client.force_login(lead)
    assert figures_seen() == (1, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_the_figures_are_kept_between_views_until_something_changes(
    fixture, lead, org, django_assert_num_queries
):
    factories.supervised_peers(fixture)
    first = organisation_overview(lead, org)
    summaries = organisation_summaries(lead, org)
    # Kept: one query for the version each, none to count.
    with django_assert_num_queries(2):
        assert organisation_overview(lead, org) == first
        assert organisation_summaries(lead, org) == summaries
    # Another day is another key.
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    with django_assert_num_queries(2):
        organisation_summaries(lead, org, today=tomorrow)


@pytest.mark.django_db(transaction=True)
def test_marking_a_batch_paid_updates_the_finance_home_page(batch, finance):
    def to_mark_paid():
        return _home_count(finance, "Batches to mark as paid")

    assert to_mark_paid() == 1
    assert to_mark_paid() == 1
    payments_services.batch_mark_paid(
        batch=batch, by=finance, paid_on=timezone.localdate(), reference="BACS-1"
    )
    assert to_mark_paid() == 0


@pytest.mark.django_db(transaction=True)
def test_a_batchs_totals_are_kept_for_good_and_its_unpaid_count_until_a_payment(
    batch, finance, django_assert_num_queries
):
    from payments.selectors import batch_totals, batch_unpaid

    totals = batch_totals(batch)
    assert totals.count == 1 and batch_unpaid(batch) == 1
    payments_services.batch_mark_paid(
        batch=batch, by=finance, paid_on=timezone.localdate(), reference="BACS-2"
    )
    assert batch_unpaid(batch) == 0
    # A batch's totals cannot change (triggers refuse it): kept across the payment, with
    # only the version check left to do.
    with django_assert_num_queries(1):
        assert batch_totals(batch) == totals


@pytest.mark.django_db(transaction=True)
def test_the_team_page_is_kept_until_a_session_is_confirmed(
    client, fixture, lead, supervisor, org, django_assert_max_num_queries
):
    session = factories.logged_by_peer(fixture)
    url = reverse("supervision:team_compliance", kwargs={"pk": org.teams.order_by("pk")[0].pk})

    def statuses():
        page = client.get(url).content.decode()
        return sorted(re.findall(r'<span class="badge [^"]*">([^<]*)</span>', page))

    client.force_login(lead)
    assert statuses() == ["Never supervised", "Never supervised"]
    with django_assert_max_num_queries(9) as kept:
        assert statuses() == ["Never supervised", "Never supervised"]
    # No compliance query, no count: the version check stands in for both, and the table
    # is not rendered again.
    assert not any("supervision_sessionsupervisee" in q["sql"] for q in kept.captured_queries)
    assert not any("COUNT(" in q["sql"] for q in kept.captured_queries)
    client.force_login(supervisor)
    client.post(reverse("supervision:confirm", kwargs={"pk": session.pk}))
    client.force_login(lead)
    assert statuses() == ["In date", "Never supervised"]


@pytest.mark.django_db(transaction=True)
def test_approving_a_claim_updates_the_leads_home_page(submitted_claim, lead):
    def waiting():
        return _home_count(lead, "Claims waiting for your approval")

    assert waiting() == 1
    assert waiting() == 1
    payments_services.claim_approve(claim=submitted_claim, approver=lead)
    assert waiting() == 0


@pytest.mark.django_db(transaction=True)
def test_the_batches_page_keeps_its_totals_and_updates_paid_counts_after_a_payment(
    client, batch, finance, django_assert_max_num_queries
):
    def paid_column() -> str:
        page = client.get(reverse("payments:batches")).content.decode()
        row = re.search(rf">{batch.reference}</a>.*?</tr>", page, re.S).group(0)
        return re.findall(r"<td>([^<]*)</td>", row)[-1]

    client.force_login(finance)
    assert paid_column() == "None yet"
    with django_assert_max_num_queries(30) as kept:
        assert paid_column() == "None yet"
    # Kept: neither the totals nor the paid counts are counted again.
    assert not any("payments_batchline" in q["sql"] for q in kept.captured_queries)
    payments_services.batch_mark_paid(
        batch=batch, by=finance, paid_on=timezone.localdate(), reference="BACS-3"
    )
    assert paid_column() == "All"


@pytest.mark.django_db(transaction=True)
def test_tax_year_totals_are_kept_until_a_claim_is_paid(client, finance, lead, claims):
    """Income counts when it is paid (DWP and HMRC), so the kept totals change when a claim
    is marked paid, not when it is approved or sent."""

    def peers_claims_shown() -> list[str]:
        page = client.get(reverse("payments:totals")).content.decode()
        return re.findall(r'<td class="text-end">(\d+)</td>', page)

    claims("peer", "paid")
    waiting = claims("peer", "exported", description="Sent, not yet paid")
    client.force_login(finance)
    assert peers_claims_shown() == ["1", "1"]  # the peer's row, then all people
    assert peers_claims_shown() == ["1", "1"]  # kept
    batch = BatchLine.objects.get(claim=waiting).batch
    payments_services.batch_mark_paid(
        batch=batch, by=finance, paid_on=timezone.localdate(), reference="BACS-0002"
    )
    assert peers_claims_shown() == ["2", "2"]


def test_a_long_key_or_one_with_odd_characters_is_a_safe_cache_key(db, recwarn):
    kept = figures.cached(
        figures.PAYMENTS, ("page", "2 \n ☃", *range(200)), lambda: "counted", organisations=[1]
    )
    assert kept == "counted"
    assert not [w for w in recwarn.list if "CacheKeyWarning" in w.category.__name__]


@pytest.mark.django_db(transaction=True)
def test_a_batchs_lines_are_kept_until_one_of_its_claims_is_paid(
    client, batch, finance, django_assert_max_num_queries
):
    url = reverse("payments:batch", kwargs={"pk": batch.pk})

    def paid_column() -> list[str]:
        page = client.get(url).content.decode()
        return re.findall(r"<td>(Not yet|\d\d/\d\d/\d{4})</td>\s*</tr>", page)

    client.force_login(finance)
    assert paid_column() == ["Not yet"]
    with django_assert_max_num_queries(30) as kept:
        assert paid_column() == ["Not yet"]
    assert not any("payments_batchline" in q["sql"] for q in kept.captured_queries)
    payments_services.batch_mark_paid(
        batch=batch, by=finance, paid_on=timezone.localdate(), reference="BACS-4"
    )
    assert paid_column() == [timezone.localdate().strftime("%d/%m/%Y")]

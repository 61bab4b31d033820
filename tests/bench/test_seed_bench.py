"""bench.seed: counts that scale, data that passes every constraint and trigger, and the
app's own pages working on it with a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import seed as benchseed
from payments.models import Batch, Claim
from supervision.incidents.models import Incident
from supervision.models import SupervisionSession
from workforce.models import Organisation, Person, Team


def test_plan_at_scale_10_matches_the_issue():
    plan = benchseed.plan(10)
    total = {
        name: sum(getattr(org, name) for org in plan.orgs)
        for name in ("people", "teams", "versions", "sessions", "incidents", "claims", "batches")
    }
    assert len(plan.orgs) == 10
    assert total == {
        "people": pytest.approx(20_000, abs=10),
        "teams": pytest.approx(200, abs=5),
        "versions": pytest.approx(60, abs=5),
        "sessions": pytest.approx(1_000_000, abs=100),
        "incidents": pytest.approx(100_000, abs=10),
        "claims": pytest.approx(2_000_000, abs=100),
        "batches": pytest.approx(500, abs=5),
    }
    # The first organisation is the largest: its whole-organisation pages are the heaviest.
    assert plan.orgs[0].people == max(org.people for org in plan.orgs)


def test_counts_scale_linearly():
    small, large = benchseed.plan(2), benchseed.plan(4)
    for name in ("people", "sessions", "incidents", "claims"):
        a = sum(getattr(org, name) for org in small.orgs)
        b = sum(getattr(org, name) for org in large.orgs)
        assert b == pytest.approx(2 * a, rel=0.01)


def test_refuses_with_debug_off(settings, db):
    settings.DEBUG = False
    with pytest.raises(SystemExit, match="DJANGO_DEBUG off"):
        benchseed.main(["--scale", "0.001"])


def test_refuses_a_database_with_other_data(settings, db):
    settings.DEBUG = True
    Organisation.objects.create(name="A real trust", kind=Organisation.Kind.NHS_TRUST)
    with pytest.raises(SystemExit, match="not benchmark data"):
        benchseed.main(["--scale", "0.001"])
    assert not Organisation.objects.filter(name__startswith=benchseed.ORG_PREFIX).exists()


@pytest.fixture
def seeded(settings, db):
    settings.DEBUG = True
    assert benchseed.main(["--scale", "0.005", "--organisations", "2"]) == 0
    return benchseed.plan(0.005, 2)


def _login(client, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))


def test_generates_the_planned_rows_in_every_state(seeded):
    plan = seeded
    assert Person.objects.count() == sum(org.people for org in plan.orgs)
    assert Incident.objects.count() == sum(org.incidents for org in plan.orgs)
    assert Claim.objects.count() == sum(org.claims for org in plan.orgs)
    assert Batch.objects.count() == sum(org.batches for org in plan.orgs)
    assert Team.objects.count() == sum(org.teams for org in plan.orgs)
    assert SupervisionSession.objects.count() > 0.5 * sum(org.sessions for org in plan.orgs)
    assert set(Incident.objects.values_list("state", flat=True)) == set(Incident.State.values)
    assert set(Claim.objects.values_list("state", flat=True)) == set(Claim.State.values)
    assert set(SupervisionSession.objects.values_list("status", flat=True)) == {
        "awaiting",
        "confirmed",
        "disputed",
    }
    # Every incident has its chronology: one entry per step it reached.
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM incidents_incident i WHERE NOT EXISTS ("
            "SELECT 1 FROM incidents_incidentevent e WHERE e.incident_id = i.id)"
        )
        assert cur.fetchone()[0] == 0
    assert seeded_counts_printed_ok()


def seeded_counts_printed_ok() -> bool:
    counts = dict(benchseed.row_counts())
    return counts["claims"] > 0 and counts["batch lines"] > 0


# (page, login, path, most queries). The pins match the pages' own query-count tests on
# small data: the same counts on benchmark data show they do not grow with it.
PAGES = [
    ("people list", "bench-lead", "/people/", 14),
    ("team compliance", "bench-lead", "/supervision/compliance/teams/{team}/", 14),
    ("organisation compliance", "bench-lead", "/supervision/compliance/", 30),
    ("escalations queue", "bench-safeguarding", "/incidents/escalations/", 14),
    ("approval queue", "bench-lead", "/payments/approvals/", 14),
    ("batch page", "bench-finance", "/payments/batches/{batch}/", 16),
    # 17: the training panel (expiring and expired records) adds one for a lead.
    ("lead dashboard", "bench-lead", "/", 17),
    ("finance dashboard", "bench-finance", "/", 12),
]


@pytest.mark.parametrize(("page", "username", "path", "most"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_work_on_the_data(seeded, client, page, username, path, most):
    org = Organisation.objects.get(name=f"{benchseed.ORG_PREFIX}1")
    ids = {
        "team": Team.objects.filter(organisation=org).order_by("pk").first().pk,
        "batch": Batch.objects.filter(organisation=org).order_by("-cut_off", "-pk").first().pk,
    }
    _login(client, username)
    url = path.format(**ids)
    client.get(url)  # warm per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, page
    assert len(queries) <= most, f"{page}: {len(queries)} queries"

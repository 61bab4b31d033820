"""Real threads, each with its own database connection, committing for real
(transactional_db): approval and batch creation stay correct when people act at once."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from payments import services
from payments.errors import NothingToExport, WrongState
from payments.models import BatchLine, Claim
from tests.factories import make_login
from workforce.models import AuditEntry
from workforce.models import Capacity as C

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = timezone.localdate()


def run_at_once(jobs):
    """Start every job at the same moment, each in its own thread; return what each did."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def work(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", job())
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


def test_twenty_simultaneous_approvals_approve_once(org, claims, personas):
    claim = claims("peer", "submitted")
    leads = [personas["lead"], personas["admin"]] + [
        make_login(f"lead{i}", org, C.COPRODUCTION_LEAD) for i in range(18)
    ]

    def approve(user):
        return lambda: services.claim_approve(
            claim=Claim.objects.get(pk=claim.pk), approver=type(user).objects.get(pk=user.pk)
        )

    results = run_at_once([approve(user) for user in leads])

    outcomes = Counter(kind if kind == "ok" else type(value).__name__ for kind, value in results)
    assert outcomes == {"ok": 1, "WrongState": 19}
    winner = next(value for kind, value in results if kind == "ok")
    for kind, value in results:
        if kind == "error":
            assert isinstance(value, WrongState)
            assert "already approved" in value.message
    claim.refresh_from_db()
    assert claim.state == "approved" and claim.decided_by_id == winner.decided_by_id
    approvals = AuditEntry.objects.filter(
        action="claim.approved", object_id=str(claim.pk), object_type="payments.claim"
    )
    assert approvals.count() == 1


def test_two_simultaneous_batches_put_each_claim_in_exactly_one(org, claims, personas):
    finance2 = make_login("finance2", org, C.FINANCE)
    for round_ in range(3):
        approved = [
            claims(who, "approved", description=f"Meeting {round_}-{i}")
            for i in range(6)
            for who in ("peer", "peer2")
        ]

        def create(user):
            return lambda: services.batch_create(
                organisation=org, by=type(user).objects.get(pk=user.pk), cut_off=TODAY
            )

        results = run_at_once([create(personas["finance"]), create(finance2)])

        for kind, value in results:
            assert kind == "ok" or isinstance(value, NothingToExport), value
        assert any(kind == "ok" for kind, _ in results)
        in_batches = Counter(
            BatchLine.objects.filter(claim__in=approved).values_list("claim_id", flat=True)
        )
        assert set(in_batches) == {c.pk for c in approved}
        assert set(in_batches.values()) == {1}
        assert (
            not Claim.objects.filter(pk__in=[c.pk for c in approved])
            .exclude(state="exported")
            .exists()
        )


def test_batches_split_by_cost_code_run_side_by_side(org, claims, personas):
    from tests.factories import ActivityFactory

    finance2 = make_login("finance2", org, C.FINANCE)
    codes = {"A": ActivityFactory(organisation=org, cost_code="A"), "B": None}
    codes["B"] = ActivityFactory(organisation=org, cost_code="B")
    for code, activity in codes.items():
        for who in ("peer", "peer2"):
            claims(who, "approved", activity=activity, description=code)

    def create(user, code):
        return lambda: services.batch_create(
            organisation=org, by=type(user).objects.get(pk=user.pk), cut_off=TODAY, cost_code=code
        )

    results = run_at_once([create(personas["finance"], "A"), create(finance2, "B")])
    assert [kind for kind, _ in results] == ["ok", "ok"]
    for (_, batch), code in zip(results, "AB", strict=True):
        assert set(
            Claim.objects.filter(batch_lines__batch=batch).values_list("cost_code", flat=True)
        ) == {code}

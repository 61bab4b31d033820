"""Check constraints validated in one query (workforce/platform/checks.py) give exactly the
errors Django's one-query-per-constraint validation gives, and the database still has the
last word."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from payments.models import Claim
from workforce.platform.checks import OneQueryChecks

pytestmark = pytest.mark.django_db


def _errors(validate, instance, exclude=None):
    try:
        validate(instance, exclude=exclude)
    except ValidationError as error:
        return {
            field: [(e.message, e.code) for e in errs] for field, errs in error.error_dict.items()
        }
    return {}


BREAKAGES = {
    "valid": {},
    "unknown state": {"state": "lost"},
    "no description": {"description": ""},
    "zero quantity and long duration": {"quantity": Decimal("0"), "duration_minutes": 2000},
    "paid without a reference": {"state": "paid", "paid_on": datetime.date(2026, 4, 1)},
    "payable above the fee": {"fee_payable": Decimal("999999")},
    "decided by the claimant": {"state": "approved"},
    "rejected with no reason": {"state": "rejected"},
}


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_claim_errors_match_djangos_own_validation(claims, breakage):
    claim = claims("peer", "submitted")
    for name, value in breakage.items():
        setattr(claim, name, value)
    if breakage.get("state") in ("approved", "rejected"):
        claim.decided_by_id = claim.claimant_user_id
        claim.decided_at = claim.submitted_at

    django_own = _errors(models.Model.validate_constraints, claim)
    with CaptureQueriesContext(connection) as queries:
        ours = _errors(Claim.validate_constraints, claim)

    assert ours == django_own
    assert bool(ours) == bool(breakage)
    checks = [q["sql"] for q in queries.captured_queries if "_check_" in q["sql"]]
    assert len(checks) == 1, "all sixteen check constraints in one query"


def test_excluded_fields_skip_their_checks_as_django_does(claims):
    claim = claims("peer", "submitted")
    claim.description = ""
    claim.quantity = Decimal("0")
    exclude = {"description"}
    ours = _errors(Claim.validate_constraints, claim, exclude)
    assert ours == _errors(models.Model.validate_constraints, claim, exclude)
    assert "claim_has_description" not in str(ours) and ours


def test_unanswerable_query_falls_back_to_each_constraint(claims, monkeypatch):
    """If the one query fails (a value the database cannot compare, say) each constraint is
    asked on its own, so no check is silently passed."""
    claim = claims("peer", "submitted")
    claim.description = ""
    monkeypatch.setattr("workforce.platform.checks.failed_checks", lambda *a, **k: None)
    assert _errors(Claim.validate_constraints, claim) == _errors(
        models.Model.validate_constraints, claim
    )


def test_every_model_with_several_checks_uses_one_query():
    from django.apps import apps

    several = [
        model._meta.label
        for model in apps.get_models()
        if sum(isinstance(c, models.CheckConstraint) for c in model._meta.constraints) >= 2
        and not issubclass(model, OneQueryChecks)
    ]
    assert several == []

"""A lead ends a benefits limit (an end date, audited, by a service); nobody edits one; the
published reference figures are dated data with their sources."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from payments import benefits_reference, services
from payments.errors import NotAllowed, PaymentsError
from payments.models import BenefitsThreshold
from workforce.models import AuditEntry


def test_a_lead_ends_a_limit_and_the_audit_says_so(personas, threshold):
    today = timezone.localdate()
    ended = services.threshold_end(threshold=threshold, by=personas["lead"], effective_until=today)
    assert ended.effective_until == today
    threshold.refresh_from_db()
    assert threshold.effective_until == today
    entry = AuditEntry.objects.get(action="threshold.ended")
    assert (entry.actor, entry.organisation_id) == (personas["lead"], threshold.organisation_id)
    assert entry.changes == {"effective_until": [None, today.isoformat()]}


@pytest.mark.parametrize("who", ["peer", "finance", "supervisor", "outsider"])
def test_only_the_organisations_leads_and_admins_may_end_a_limit(personas, threshold, who):
    with pytest.raises(NotAllowed):
        services.threshold_end(
            threshold=threshold, by=personas[who], effective_until=timezone.localdate()
        )
    threshold.refresh_from_db()
    assert threshold.effective_until is None
    assert not AuditEntry.objects.filter(action="threshold.ended").exists()


def test_an_admin_may_end_a_limit(personas, threshold):
    today = timezone.localdate()
    services.threshold_end(threshold=threshold, by=personas["admin"], effective_until=today)
    assert AuditEntry.objects.get(action="threshold.ended").actor == personas["admin"]


def test_a_limit_ends_once_not_before_it_starts_nor_in_the_past(personas, org, threshold):
    lead, today = personas["lead"], timezone.localdate()
    with pytest.raises(PaymentsError, match="yesterday at the earliest"):
        services.threshold_end(
            threshold=threshold, by=lead, effective_until=today - timedelta(days=2)
        )
    later = BenefitsThreshold.objects.create(
        organisation=org,
        name="Next year",
        period="week",
        amount=Decimal("200"),
        effective_from=today + timedelta(days=30),
    )
    with pytest.raises(PaymentsError, match="before the limit starts"):
        services.threshold_end(threshold=later, by=lead, effective_until=today)
    services.threshold_end(threshold=threshold, by=lead, effective_until=today)
    with pytest.raises(PaymentsError, match="already ends"):
        services.threshold_end(
            threshold=threshold, by=lead, effective_until=today + timedelta(days=1)
        )
    assert AuditEntry.objects.filter(action="threshold.ended").count() == 1


def test_the_database_refuses_to_edit_a_limit_or_move_its_end(personas, threshold):
    threshold.amount = Decimal("1.00")
    with pytest.raises(DatabaseError, match="can never change"), transaction.atomic():
        threshold.save()
    threshold.refresh_from_db()
    services.threshold_end(
        threshold=threshold, by=personas["lead"], effective_until=timezone.localdate()
    )
    threshold.refresh_from_db()
    threshold.effective_until = date(2099, 1, 1)
    with pytest.raises(DatabaseError, match="already ended"), transaction.atomic():
        threshold.save()


def test_the_limits_page_ends_a_limit(client, personas, threshold):
    client.force_login(personas["lead"])
    page = client.get(reverse("payments:thresholds")).content.decode()
    url = reverse("payments:threshold_end", kwargs={"pk": threshold.pk})
    assert f'action="{url}"' in page and f'id="id_end_{threshold.pk}_effective_until"' in page
    today = timezone.localdate()
    response = client.post(url, {"effective_until": today.isoformat()})
    assert response.status_code == 302
    threshold.refresh_from_db()
    assert threshold.effective_until == today
    assert f"until {today:%d/%m/%Y}" in client.get(reverse("payments:thresholds")).content.decode()


def test_a_refused_end_date_shows_next_to_its_field(client, personas, threshold):
    client.force_login(personas["lead"])
    url = reverse("payments:threshold_end", kwargs={"pk": threshold.pk})
    past = timezone.localdate() - timedelta(days=10)
    response = client.post(url, {"effective_until": past.isoformat()})
    assert response.status_code == 400
    html = response.content.decode()
    assert "yesterday at the earliest" in html
    assert f'id="id_end_{threshold.pk}_effective_until"' in html
    threshold.refresh_from_db()
    assert threshold.effective_until is None


def test_another_organisations_limit_is_not_found(client, personas, other_org):
    theirs = BenefitsThreshold.objects.create(
        organisation=other_org,
        name="Theirs",
        period="week",
        amount=Decimal("100"),
        effective_from=date(2025, 4, 6),
    )
    client.force_login(personas["lead"])
    url = reverse("payments:threshold_end", kwargs={"pk": theirs.pk})
    assert client.post(url, {"effective_until": timezone.localdate()}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.effective_until is None


def test_a_limit_records_hours_and_source(personas, org):
    limit = services.threshold_create(
        organisation=org,
        by=personas["lead"],
        name="ESA permitted work limit",
        period="week",
        amount=Decimal("195.50"),
        hours_limit=Decimal("16"),
        effective_from=date(2026, 4, 6),
        source="GOV.UK",
    )
    assert (limit.hours_limit, limit.source) == (Decimal("16"), "GOV.UK")
    with pytest.raises(PaymentsError) as refused:
        services.threshold_create(
            organisation=org,
            by=personas["lead"],
            name="Bad",
            period="week",
            amount=Decimal("10"),
            hours_limit=Decimal("0"),
            effective_from=date(2026, 4, 6),
        )
    assert refused.value.field == "hours_limit"


def test_reference_figures_are_dated_and_sourced_and_say_when_unconfirmed(client, personas):
    work_allowance = benefits_reference.get("uc_work_allowance_housing_2026")
    assert (work_allowance.amount, work_allowance.period) == (Decimal("427.00"), "uc_assessment")
    assert benefits_reference.get("uc_work_allowance_no_housing_2026").amount == Decimal("710")
    esa = benefits_reference.get("esa_permitted_work_2026")
    assert esa.hours_limit == Decimal("16") and esa.effective_from == date(2026, 4, 6)
    assert esa.confirmed.startswith("not confirmed") and "£195.50" in esa.confirmed
    for ref in benefits_reference.REFERENCES:
        assert ref.source and "http" in ref.source, ref.key
        assert ref.confirmed.startswith(("confirmed", "not confirmed")), ref.key
    in_2026 = {ref.key for ref in benefits_reference.in_force(date(2026, 5, 1))}
    assert "esa_permitted_work_2025" not in in_2026 and "esa_permitted_work_2026" in in_2026
    client.force_login(personas["lead"])
    html = client.get(reverse("payments:thresholds")).content.decode()
    assert "Published figures in force today" in html and "Not confirmed" in html

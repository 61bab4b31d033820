"""The batch export's columns are SQL (the CSV is PostgreSQL's COPY): they must give exactly
what the Python helpers give (references, money, tax years, local times, the payment-method
flag) and neutralise and quote cells exactly as the Python CSV writer would."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from payments import periods, services
from payments.exports import TAX_YEAR_HEADER, BatchExport
from payments.models import Claim
from payments.models import PaymentMethod as M
from payments.money import format_gbp, to_money
from tests.factories import make_claim
from workforce.models import Person
from workforce.platform.exports import render_csv


def _python_row(batch, line):
    """The export row as the earlier, all-Python export built it."""
    claim = line.claim
    expenses = sum((e.amount for e in claim.expenses.all()), Decimal("0"))
    card_fee = format_gbp(claim.fee)
    if claim.payment_method == M.DECLINED:
        flag = f"Declined (card fee {card_fee})"
    elif claim.payment_method == M.EXPENSES_ONLY:
        flag = f"Expenses only (card fee {card_fee})"
    elif claim.payment_method == M.REDUCED and claim.fee_payable < claim.fee:
        flag = f"Reduced from {card_fee}"
    else:
        flag = ""
    return [
        batch.reference,
        claim.reference,
        line.payee_reference,
        line.payee_name,
        claim.get_payment_method_display(),
        claim.description,
        claim.activity_date,
        claim.tier,
        claim.rate_card.name,
        to_money(claim.fee_payable),
        to_money(expenses),
        to_money(claim.fee_payable + expenses),
        claim.cost_code,
        periods.tax_year_label(claim.paid_on) if claim.paid_on else "",
        line.approved_by_name,
        timezone.localtime(claim.decided_at).strftime("%Y-%m-%d %H:%M"),
        flag,
    ]


@pytest.fixture
def varied_batch(personas, seed_card, org):
    peer, peer2, lead = personas["peer"], personas["peer2"], personas["lead"]
    Person.objects.filter(user=peer2).update(
        full_name='=HYPERLINK("x")', payee_reference='-PAY, "2"'
    )

    def claim(user, **fields):
        return make_claim(user, state="approved", approver=lead, **fields)

    # Either side of the tax year's first day, text CSV must quote, expenses.
    claim(peer, description='Panel, "quoted"\nsecond line', activity_date=date(2026, 4, 5))
    claim(peer, description="@Budget review", activity_date=date(2026, 4, 6))
    draft = make_claim(peer, description="Training day", hours=7)
    for amount in ("12.35", "0.05"):
        services.expense_add(
            claim=draft, by=peer, kind="travel", description="Train", amount=Decimal(amount)
        )
    services.claim_submit(claim=draft, by=peer)
    services.claim_approve(claim=draft, approver=lead)
    # Each payment method that shows a flag.
    services.preference_set(
        person=peer2.person, by=peer2, method=M.REDUCED, reduced_amount=Decimal("30")
    )
    claim(peer2, description="Long session", hours=7, preparation="little")
    services.preference_set(person=peer2.person, by=peer2, method=M.DECLINED)
    claim(peer2, description="\tTabbed")
    return services.batch_create(organisation=org, by=personas["finance"], cut_off=timezone.now())


def test_headers_are_the_columns():
    assert BatchExport.headers == [column.header for column in BatchExport.columns()]


@pytest.mark.parametrize("zone", ["Europe/London", "Asia/Kolkata", "America/New_York"])
def test_sql_rows_equal_the_python_rows(varied_batch, settings, zone):
    settings.TIME_ZONE = zone
    lines = varied_batch.lines.select_related("claim__rate_card").order_by("position")
    expected = [_python_row(varied_batch, line) for line in lines]
    assert len(expected) == 5
    assert list(BatchExport(varied_batch).rows()) == expected
    flags = {row[-1] for row in expected}
    assert {"Reduced from £150.00", "Declined (card fee £50.00)"} <= flags
    assert {row[13] for row in expected} == {""}  # not paid yet: no tax year


def test_copy_csv_equals_the_python_csv_writer(varied_batch):
    export = BatchExport(varied_batch)
    copied = b"".join(export.csv()).decode("utf-8-sig")
    written = b"".join(render_csv(export.lines())).decode("utf-8-sig")
    as_copied = list(csv.reader(io.StringIO(copied, newline="")))
    assert as_copied == list(csv.reader(io.StringIO(written, newline="")))
    assert len(as_copied) == 6
    cells = [cell for row in as_copied for cell in row]
    assert '\'=HYPERLINK("x")' in cells and '\'-PAY, "2"' in cells
    assert "'@Budget review" in cells
    assert any(cell.startswith('Panel, "quoted"') for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_the_tax_year_is_the_year_paid_either_side_of_6_april(claims, personas, org):
    """A March activity paid on 5 April counts in the old tax year, on 6 April in the new
    one (HMRC and DWP count income when it is paid); a claim not yet paid has none."""
    march = date(2026, 3, 20)
    made = [
        claims("peer", "approved", description=f"Panel {i}", activity_date=march) for i in range(3)
    ]
    Claim.objects.filter(pk__in=[c.pk for c in made]).update(
        decided_at=datetime(2026, 3, 31, 12, tzinfo=UTC)
    )
    batch = services.batch_create(
        organisation=org, by=personas["finance"], cut_off=timezone.localdate()
    )
    for claim, day in zip(made, (date(2026, 4, 5), date(2026, 4, 6)), strict=False):
        services.claim_mark_paid(
            claim=claim, by=personas["finance"], paid_on=day, reference=f"BACS-{day.day}"
        )
    export = BatchExport(batch)
    column = export.headers.index(TAX_YEAR_HEADER)
    assert [row[column] for row in export.rows()] == ["2025/26", "2026/27", ""]
    copied = list(csv.DictReader(io.StringIO(b"".join(export.csv()).decode("utf-8-sig"))))
    assert [(r["Activity date"], r[TAX_YEAR_HEADER]) for r in copied] == [
        ("2026-03-20", "2025/26"),
        ("2026-03-20", "2026/27"),
        ("2026-03-20", ""),
    ]

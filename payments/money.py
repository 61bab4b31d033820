"""Money is Decimal pounds to the penny (GBP), never float: one rounding rule, one format."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PENCE = Decimal("0.01")
ZERO = Decimal("0.00")
# Matches DecimalField(max_digits=10, decimal_places=2) on every money column.
MAX_DIGITS = 10
DECIMAL_PLACES = 2


def to_money(value: Decimal | int | str) -> Decimal:
    """The one rounding helper: to the penny, half up (as payroll and HMRC round)."""
    if isinstance(value, float):
        # A float has already lost pence (0.1 + 0.2 != 0.3); refuse rather than guess.
        raise TypeError("money is never a float: pass a Decimal, int or str")
    return Decimal(value).quantize(PENCE, rounding=ROUND_HALF_UP)


def format_gbp(value: Decimal | int | str | None) -> str:
    if value is None:
        return ""
    amount = to_money(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"

from datetime import date
from decimal import Decimal

import pytest

from payments import periods
from payments.money import format_gbp, to_money


@pytest.mark.parametrize(
    ("value", "pence"),
    [
        ("1.005", "1.01"),  # half up, as payroll rounds
        ("1.004", "1.00"),
        ("2.675", "2.68"),  # a float would say 2.67
        (50, "50.00"),
        ("0", "0.00"),
        ("-1.005", "-1.01"),
    ],
)
def test_one_rounding_rule(value, pence):
    assert to_money(value) == Decimal(pence)
    assert str(to_money(value)) == pence


def test_money_is_never_a_float():
    with pytest.raises(TypeError, match="never a float"):
        to_money(0.1 + 0.2)


def test_format_gbp():
    assert format_gbp(Decimal("1234.5")) == "£1,234.50"
    assert format_gbp(Decimal("-5")) == "-£5.00"
    assert format_gbp(None) == ""


@pytest.mark.parametrize(
    ("day", "label", "start", "end"),
    [
        (date(2025, 4, 5), "2024/25", date(2024, 4, 6), date(2025, 4, 5)),
        (date(2025, 4, 6), "2025/26", date(2025, 4, 6), date(2026, 4, 5)),
        (date(2025, 12, 31), "2025/26", date(2025, 4, 6), date(2026, 4, 5)),
        (date(2026, 1, 1), "2025/26", date(2025, 4, 6), date(2026, 4, 5)),
        (date(2099, 4, 6), "2099/00", date(2099, 4, 6), date(2100, 4, 5)),
    ],
)
def test_uk_tax_year(day, label, start, end):
    assert periods.tax_year_label(day) == label
    assert periods.tax_year_bounds(day) == (start, end)
    assert periods.tax_year_from_label(label) == start


@pytest.mark.parametrize("label", ["", "2025", "2025/27", "abc/de", None, "1999/00"])
def test_bad_tax_year_labels(label):
    assert periods.tax_year_from_label(label) is None


def test_weeks_run_monday_to_sunday_and_months_by_calendar():
    assert periods.week_bounds(date(2026, 3, 4)) == (date(2026, 3, 2), date(2026, 3, 8))
    assert periods.week_bounds(date(2026, 3, 8)) == (date(2026, 3, 2), date(2026, 3, 8))
    assert periods.month_bounds(date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))

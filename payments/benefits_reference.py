"""Published benefits figures, as dated data with their sources.

National reference points, not advice: the limits page lists the ones in force, and the
demo seeds its organisation's limits from them. An organisation's own limits (what the app
warns on) are BenefitsThreshold rows a lead adds and ends. Where a figure could not be
checked against the publisher's own page it says so in `confirmed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WEEK, UC_ASSESSMENT = "week", "uc_assessment"

UC_REGULATIONS = (
    "The Universal Credit Regulations 2013, regulation 21 (assessment periods), "
    "legislation.gov.uk, https://www.legislation.gov.uk/uksi/2013/376/regulation/21"
)
DWP_RATES_2026 = (
    "Proposed benefit and pension rates 2026 to 2027, Department for Work and Pensions, "
    "updated 12 January 2026, https://www.gov.uk/government/publications/"
    "benefit-and-pension-rates-2026-to-2027/proposed-benefit-and-pension-rates-2026-to-2027"
)
GOVUK_ESA_WORK = (
    "Employment and Support Allowance: Claiming ESA if you work, GOV.UK, "
    "https://www.gov.uk/employment-support-allowance/eligibility"
)


@dataclass(frozen=True)
class Reference:
    key: str
    name: str
    period: str
    amount: Decimal
    effective_from: date
    effective_until: date | None
    source: str
    confirmed: str  # "confirmed: ..." or "not confirmed: ..."
    hours_limit: Decimal | None = None

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_until is None or day <= self.effective_until
        )

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.startswith("confirmed")


REFERENCES = (
    Reference(
        key="esa_permitted_work_2025",
        name="ESA permitted work limit",
        period=WEEK,
        amount=Decimal("195.50"),
        hours_limit=Decimal("16"),
        effective_from=date(2025, 4, 7),
        effective_until=date(2026, 4, 5),
        source=GOVUK_ESA_WORK,
        confirmed="confirmed: £195.50 a week and under 16 hours a week, for 2025/26 (the "
        "stored copy of the GOV.UK page we could read was older; the figure is as quoted "
        "from it for 2025/26 by advice sites).",
    ),
    Reference(
        key="esa_permitted_work_2026",
        name="ESA permitted work limit",
        period=WEEK,
        amount=Decimal("195.50"),
        hours_limit=Decimal("16"),
        effective_from=date(2026, 4, 6),
        effective_until=None,
        source=DWP_RATES_2026,
        confirmed="not confirmed: DWP's permitted-work earnings limit for 2026/27 was not "
        "found in the published rates we could read; the figure shown is the last "
        "confirmed one, £195.50 a week for 2025/26. The hours rule (under 16 hours a week) "
        "is unchanged.",
    ),
    Reference(
        key="uc_work_allowance_housing_2026",
        name="Universal Credit work allowance (with housing costs)",
        period=UC_ASSESSMENT,
        amount=Decimal("427.00"),
        effective_from=date(2026, 4, 6),
        effective_until=None,
        source=f"{DWP_RATES_2026}; periods: {UC_REGULATIONS}",
        confirmed="not confirmed: £427 a month from April 2026 is the 2025/26 figure (£411) "
        "uprated by 3.8% (CPI, September 2025); the DWP table we could read did not show "
        "the work allowance.",
    ),
    Reference(
        key="uc_work_allowance_no_housing_2026",
        name="Universal Credit work allowance (without housing costs)",
        period=UC_ASSESSMENT,
        amount=Decimal("710.00"),
        effective_from=date(2026, 4, 6),
        effective_until=None,
        source=f"{DWP_RATES_2026}; periods: {UC_REGULATIONS}",
        confirmed="not confirmed: £710 a month from April 2026 is the 2025/26 figure (£684) "
        "uprated by 3.8% (CPI, September 2025); the DWP table we could read did not show "
        "the work allowance.",
    ),
)


def in_force(day: date) -> list[Reference]:
    return [ref for ref in REFERENCES if ref.in_force(day)]


def get(key: str) -> Reference:
    return next(ref for ref in REFERENCES if ref.key == key)

"""A system check: the bank holiday table must cover this year and the next, or triage
deadlines quietly stop skipping bank holidays."""

from django.core import checks
from django.utils import timezone

from supervision.incidents import deadlines


@checks.register()
def bank_holidays_cover_next_year(app_configs=None, **kwargs):
    year = timezone.localdate().year
    if year + 1 <= deadlines.LAST_YEAR_COVERED:
        return []
    return [
        checks.Warning(
            f"The England and Wales bank holiday table ends in {deadlines.LAST_YEAR_COVERED}.",
            hint="Add next year's dates from gov.uk/bank-holidays to "
            "supervision/incidents/deadlines.py.",
            id="incidents.W001",
        )
    ]

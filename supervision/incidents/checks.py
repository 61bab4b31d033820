"""A system check: every nation an organisation can record must be a UK subdivision the
installed `holidays` package knows, or its working days could not be counted."""

import holidays
from django.core import checks

from supervision.incidents import deadlines
from workforce.organisations.models import Organisation


@checks.register()
def nations_have_bank_holidays(app_configs=None, **kwargs):
    known = set(holidays.UK.subdivisions)
    problems = []
    for nation in Organisation.Nation:
        subdivision = deadlines.SUBDIVISIONS.get(nation.value)
        if subdivision not in known:
            problems.append(
                checks.Error(
                    f"No bank holiday calendar for {nation.label} "
                    f"(UK subdivision {subdivision or 'not set'}).",
                    hint="Map the nation to its subdivision in "
                    "supervision/incidents/deadlines.py SUBDIVISIONS, or install holidays>=0.100.",
                    id="incidents.E001",
                )
            )
    return problems

"""Reads shared by pages and reports, always starting from the access layer's scopes."""

from workforce.organisations.selectors import (
    memberships_of,
    organisation_logins,
    organisation_teams,
    organisation_users,
    organisations_for,
)
from workforce.register.selectors.diversity import diversity_report
from workforce.register.selectors.people import (
    PeopleFilters,
    payee_only,
    people_export_lines,
    people_list,
    person_assignments,
    person_training,
    supervisors_for,
)
from workforce.register.selectors.training import training_due, training_home

__all__ = [
    "organisation_logins",
    "organisation_users",
    "PeopleFilters",
    "diversity_report",
    "memberships_of",
    "organisation_teams",
    "organisations_for",
    "payee_only",
    "people_export_lines",
    "people_list",
    "person_assignments",
    "person_training",
    "supervisors_for",
    "training_due",
    "training_home",
]

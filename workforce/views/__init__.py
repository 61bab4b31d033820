"""The workforce app's views, one module per area (thin: parse, call a service or selector,
render). urls.py names them from here."""

from workforce.views.assignments import (
    assignment_change,
    assignment_create,
    assignment_end,
    assignment_move,
    training_create,
    training_list,
)
from workforce.views.capacities import capacities, capacity_end, organisation_nation
from workforce.views.core import organisation_detail, organisation_list
from workforce.views.people import (
    my_profile,
    people_export,
    people_import,
    people_import_template,
    person_create,
    person_detail,
    person_edit,
    person_invite,
    person_leave,
    person_list,
)
from workforce.views.private import diversity_report, my_diversity, wellbeing, wellbeing_edit

__all__ = [
    "capacities",
    "capacity_end",
    "organisation_nation",
    "assignment_change",
    "assignment_create",
    "assignment_end",
    "assignment_move",
    "diversity_report",
    "my_diversity",
    "my_profile",
    "organisation_detail",
    "organisation_list",
    "people_export",
    "people_import",
    "people_import_template",
    "person_create",
    "person_detail",
    "person_edit",
    "person_invite",
    "person_leave",
    "person_list",
    "training_create",
    "training_list",
    "wellbeing",
    "wellbeing_edit",
]

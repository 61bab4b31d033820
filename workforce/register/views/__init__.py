"""The register's views, one module per area (thin: parse, call a service or selector,
render). workforce/register/urls.py names them from here."""

from workforce.register.views.assignments import (
    assignment_change,
    assignment_create,
    assignment_end,
    assignment_move,
    training_create,
    training_list,
)
from workforce.register.views.capacities import capacities, capacity_end
from workforce.register.views.people import (
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
from workforce.register.views.private import (
    diversity_report,
    my_diversity,
    wellbeing,
    wellbeing_edit,
)

__all__ = [
    "capacities",
    "capacity_end",
    "assignment_change",
    "assignment_create",
    "assignment_end",
    "assignment_move",
    "diversity_report",
    "my_diversity",
    "my_profile",
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

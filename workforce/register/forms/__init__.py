"""The register's forms (crispy, Bootstrap 5), one module per area."""

from workforce.register.forms.assignments import (
    AssignmentChangeForm,
    AssignmentEndForm,
    AssignmentForm,
    AssignmentMoveForm,
    TrainingRecordForm,
)
from workforce.register.forms.people import (
    CapacityGrantForm,
    ImportForm,
    InviteForm,
    LeaveForm,
    PeopleFilterForm,
    PersonForm,
)
from workforce.register.forms.private import DiversityForm, WellbeingPlanForm

__all__ = [
    "CapacityGrantForm",
    "AssignmentChangeForm",
    "AssignmentEndForm",
    "AssignmentForm",
    "AssignmentMoveForm",
    "DiversityForm",
    "ImportForm",
    "InviteForm",
    "LeaveForm",
    "PeopleFilterForm",
    "PersonForm",
    "TrainingRecordForm",
    "WellbeingPlanForm",
]

"""The workforce app's forms (crispy, Bootstrap 5), one module per area."""

from workforce.forms.assignments import (
    AssignmentChangeForm,
    AssignmentEndForm,
    AssignmentForm,
    AssignmentMoveForm,
    TrainingRecordForm,
)
from workforce.forms.people import (
    CapacityGrantForm,
    DateInput,
    ImportForm,
    InviteForm,
    LeaveForm,
    NationForm,
    PeopleFilterForm,
    PersonForm,
)
from workforce.forms.private import DiversityForm, WellbeingPlanForm

__all__ = [
    "CapacityGrantForm",
    "AssignmentChangeForm",
    "AssignmentEndForm",
    "AssignmentForm",
    "AssignmentMoveForm",
    "DateInput",
    "DiversityForm",
    "ImportForm",
    "InviteForm",
    "NationForm",
    "LeaveForm",
    "PeopleFilterForm",
    "PersonForm",
    "TrainingRecordForm",
    "WellbeingPlanForm",
]

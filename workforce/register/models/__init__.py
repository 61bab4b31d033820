"""The register's models: people, their assignments and training, wellbeing plans and
diversity answers."""

from workforce.register.models.assignments import (
    EXPIRING_WITHIN_DAYS,
    Assignment,
    TrainingRecord,
    current_q,
)
from workforce.register.models.diversity import DiversityProfile
from workforce.register.models.people import EngagementType, LeavingReason, Person, PersonStatus
from workforce.register.models.reminders import TrainingReminder
from workforce.register.models.wellbeing import WellbeingPlan

__all__ = [
    "EXPIRING_WITHIN_DAYS",
    "Assignment",
    "DiversityProfile",
    "EngagementType",
    "LeavingReason",
    "Person",
    "PersonStatus",
    "TrainingRecord",
    "TrainingReminder",
    "WellbeingPlan",
    "current_q",
]

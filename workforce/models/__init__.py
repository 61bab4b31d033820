"""The workforce app's models, one module per area; import them from here."""

from workforce.models.accounts import PasswordResetRequest
from workforce.models.assignments import EXPIRING_WITHIN_DAYS, Assignment, TrainingRecord, current_q
from workforce.models.core import (
    AuditEntry,
    Capacity,
    Membership,
    Organisation,
    Person,
    Team,
)
from workforce.models.diversity import DiversityProfile
from workforce.models.figures import FiguresVersion
from workforce.models.reminders import TrainingReminder
from workforce.models.retention import RetentionPeriod
from workforce.models.wellbeing import WellbeingPlan

__all__ = [
    "EXPIRING_WITHIN_DAYS",
    "Assignment",
    "TrainingRecord",
    "TrainingReminder",
    "current_q",
    "AuditEntry",
    "Capacity",
    "DiversityProfile",
    "FiguresVersion",
    "Membership",
    "Organisation",
    "PasswordResetRequest",
    "Person",
    "RetentionPeriod",
    "Team",
    "WellbeingPlan",
]

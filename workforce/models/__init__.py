"""The workforce app's models, one module per area; import them from here."""

from workforce.models.core import (
    AuditEntry,
    Capacity,
    Membership,
    Organisation,
    Person,
    Team,
)
from workforce.models.diversity import DiversityProfile
from workforce.models.wellbeing import WellbeingPlan

__all__ = [
    "AuditEntry",
    "Capacity",
    "DiversityProfile",
    "Membership",
    "Organisation",
    "Person",
    "Team",
    "WellbeingPlan",
]

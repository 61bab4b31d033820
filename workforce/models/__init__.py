"""Every model of the workforce app, for Django to load; each lives in its layer's package
(workforce/platform, workforce/organisations, workforce/register) and is imported from there
by code in the layers. Tests and the top layer may import them from here."""

from workforce.organisations.models import Capacity, Membership, Nation, Organisation, Team
from workforce.platform.models import (
    AuditEntry,
    FiguresVersion,
    OutboundEmail,
    PasswordResetRequest,
    RetentionPeriod,
)
from workforce.register.models import (
    EXPIRING_WITHIN_DAYS,
    Assignment,
    DiversityProfile,
    Person,
    TrainingRecord,
    TrainingReminder,
    WellbeingPlan,
    current_q,
)

__all__ = [
    "EXPIRING_WITHIN_DAYS",
    "Assignment",
    "AuditEntry",
    "Capacity",
    "DiversityProfile",
    "FiguresVersion",
    "Membership",
    "OutboundEmail",
    "Nation",
    "Organisation",
    "PasswordResetRequest",
    "Person",
    "RetentionPeriod",
    "Team",
    "TrainingRecord",
    "TrainingReminder",
    "WellbeingPlan",
    "current_q",
]

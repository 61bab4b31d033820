"""The supervision app's vocabulary: each stored value and the words pages show for it.

Plain constants, apart from the models and the compliance selector that use them, so the
template tags can label values without importing either (as roles/choices.py does)."""

from django.db import models


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone call"


class Topic(models.TextChoices):
    BOUNDARIES = "boundaries", "Boundaries"
    WELLBEING = "wellbeing", "Wellbeing and emotional labour"
    ROLE_CLARITY = "role_clarity", "Role clarity"
    CASELOAD = "caseload", "Caseload"
    DEVELOPMENT = "development", "Development"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    SELF_CARE = "self_care", "Self-care"


class SessionStatus(models.TextChoices):
    AWAITING = "awaiting", "Waiting for confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    DISPUTED = "disputed", "Disputed"
    # Taken back by whoever logged it: kept on the record, counted for nobody.
    WITHDRAWN = "withdrawn", "Withdrawn"


class Answer(models.TextChoices):
    """One attendee's answer to a log. Empty: no answer of their own yet recorded, so the
    session's status is theirs (every log made before answers were kept per person)."""

    NONE = "", "As the session"
    AWAITING = "awaiting", "Waiting for an answer"
    CONFIRMED = "confirmed", "Confirmed"
    DISPUTED = "disputed", "Disputed"


DUE_SOON_DAYS = 14


class ComplianceStatus:
    """What the compliance selector works out for each (person, requirement)."""

    NEVER = "never"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    IN_DATE = "in_date"

    LABELS = {
        NEVER: "Never supervised",
        OVERDUE: "Overdue",
        DUE_SOON: f"Due within {DUE_SOON_DAYS} days",
        IN_DATE: "In date",
    }
    COMPLIANT = (DUE_SOON, IN_DATE)

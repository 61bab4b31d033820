"""The incident vocabulary, at module level so the models' constraints can name it."""

from django.db import models


class Category(models.TextChoices):
    INFORMAL_CONTACT = "informal_contact", "Informal contact outside agreed settings"
    SOCIAL_MEDIA = "social_media", "Social media contact"
    GIFTS_OR_MONEY = "gifts_or_money", "Gifts or money"
    DUAL_RELATIONSHIP = "dual_relationship", "Dual relationship"
    DISCLOSURE = "disclosure", "Disclosure beyond purpose"
    CLINICAL_ADVICE = "clinical_advice", "Clinical advice given"
    CRISIS_INTERVENTION = "crisis_intervention", "Crisis intervention beyond role"
    CONFIDENTIALITY = "confidentiality", "Confidentiality"
    LONE_WORKING = "lone_working", "Lone working"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class Safeguarding(models.TextChoices):
    NONE = "none", "No safeguarding concern"
    ADULT = "adult", "Adult at risk"
    CHILD = "child", "Child at risk"
    # Both at once (a parent and their child, say): escalated, and acknowledged as urgently
    # as a child alone.
    BOTH = "both", "Adult and child at risk"


class State(models.TextChoices):
    REPORTED = "reported", "Reported: waiting for triage"
    TRIAGED = "triaged", "Being managed through supervision"
    ESCALATED = "escalated", "Escalated: waiting for the safeguarding lead"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the safeguarding lead"
    IN_REVIEW = "in_review", "In review"
    CLOSED = "closed", "Closed"


class TriageDecision(models.TextChoices):
    SUPERVISION = "supervision", "Manage it through supervision"
    ESCALATE = "escalate", "Escalate it to a safeguarding lead"


class Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action needed"
    SUPERVISION_SUPPORT = "supervision_support", "Support and reflection in supervision"
    TRAINING = "training", "Training or development"
    ROLE_ADJUSTED = "role_adjusted", "Role, duties or working arrangements adjusted"
    FORMAL_PROCESS = "formal_process", "Formal HR or disciplinary process"
    EXTERNAL = "external", "Taken forward by an external agency"
    OTHER = "other", "Other"


class EventKind(models.TextChoices):
    REPORTED = "reported", "Reported"
    TRIAGED = "triaged", "Triaged"
    ESCALATED = "escalated", "Escalated"
    REASSIGNED = "reassigned", "Passed to another safeguarding lead"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    REFERRAL = "referral", "External referral recorded"
    ACTION_ADDED = "action_added", "Action agreed"
    ACTION_DONE = "action_done", "Action completed"
    REVIEWED = "reviewed", "Reviewed"
    CLOSED = "closed", "Closed"
    CORRECTED = "corrected", "Correction added"
    RESTRICTED = "restricted", "Hidden from the worker"
    UNRESTRICTED = "unrestricted", "Shown to the worker again"
    POLICY = "policy", "Deadlines changed"
    DOWNGRADED = "downgraded", "Mandatory escalation lifted"
    # Caldicott: need to know (Incident.leads_only_at).
    LEADS_ONLY = "leads_only", "Restricted to safeguarding leads"
    LEADS_ONLY_LIFTED = "leads_only_lifted", "Restriction to safeguarding leads lifted"
    ABUSE_TYPES = "abuse_types", "Types of abuse recorded"
    PERSONAL = "personal", "Making Safeguarding Personal recorded"
    DBS = "dbs", "Duty to refer to the DBS considered"


class Agency(models.TextChoices):
    ADULT_SAFEGUARDING = "adult_safeguarding", "Local authority adult safeguarding"
    CHILDRENS_SERVICES = "childrens_services", "Local authority children's services"
    LADO = "lado", "Local authority designated officer (LADO)"
    POLICE = "police", "Police"
    CQC = "cqc", "Care Quality Commission"
    OTHER = "other", "Another agency"


class AbuseType(models.TextChoices):
    """The ten types of abuse and neglect in the Care and Support Statutory Guidance
    (Department of Health and Social Care, issued under the Care Act 2014), chapter 14
    "Safeguarding", paragraph 14.17:
    https://www.gov.uk/government/publications/care-act-statutory-guidance/care-and-support-statutory-guidance
    The list was confirmed against safeguarding adults boards that quote it (Sheffield,
    Teeswide, East Sussex); the paragraph number is not confirmed against GOV.UK itself."""

    PHYSICAL = "physical", "Physical abuse"
    DOMESTIC = "domestic", "Domestic abuse"
    SEXUAL = "sexual", "Sexual abuse"
    PSYCHOLOGICAL = "psychological", "Psychological or emotional abuse"
    FINANCIAL = "financial", "Financial or material abuse"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery"
    DISCRIMINATORY = "discriminatory", "Discriminatory abuse"
    ORGANISATIONAL = "organisational", "Organisational or institutional abuse"
    NEGLECT = "neglect", "Neglect and acts of omission"
    SELF_NEGLECT = "self_neglect", "Self-neglect"


class ReferralConsent(models.TextChoices):
    """Making Safeguarding Personal: whether the person agreed to a referral. Referring
    without consent is sometimes right (others at risk, a crime, no capacity to decide), and
    the reason is then recorded (Care and Support Statutory Guidance, chapter 14)."""

    GIVEN = "given", "They agreed to a referral"
    WITHOUT = "without", "Referred without their agreement"
    NO_REFERRAL = "no_referral", "No referral is being made"


class DbsDecision(models.TextChoices):
    """The duty to refer to the Disclosure and Barring Service when a worker is removed from
    regulated activity because they harmed or may harm a child or adult at risk (Safeguarding
    Vulnerable Groups Act 2006; "Making barring referrals to the DBS", Disclosure and Barring
    Service, GOV.UK, updated 30 March 2023:
    https://www.gov.uk/guidance/making-barring-referrals-to-the-dbs)."""

    REFERRED = "referred", "Referred to the DBS"
    NOT_REFERRED = "not_referred", "Not referred to the DBS"


class NoticeKind(models.TextChoices):
    ESCALATED = "escalated", "New escalation"
    TRIAGE_OVERDUE = "triage_overdue", "Triage overdue"
    ACKNOWLEDGE_OVERDUE = "acknowledge_overdue", "Acknowledgement overdue"
    ACTION_OVERDUE = "action_overdue", "Action overdue"
    CONCERN = "concern", "New safeguarding concern"


# Severity or safeguarding that makes escalation mandatory (triage cannot choose supervision).
MANDATORY_SEVERITIES = (Severity.HIGH, Severity.CRITICAL)
OPTIONAL_SEVERITIES = (Severity.LOW, Severity.MODERATE)
OPEN_STATES = (
    State.REPORTED,
    State.TRIAGED,
    State.ESCALATED,
    State.ACKNOWLEDGED,
    State.IN_REVIEW,
)
# Chronology entries about hiding the incident from the worker are never shown to the worker:
# the reason may say why telling them would put someone at risk. Nor is the safeguarding
# record (the person's views, consent, capacity, the types of abuse, the DBS decision).
HIDDEN_FROM_WORKER = (
    EventKind.RESTRICTED,
    EventKind.UNRESTRICTED,
    EventKind.ABUSE_TYPES,
    EventKind.PERSONAL,
    EventKind.DBS,
)


def escalation_is_mandatory(*, severity: str, safeguarding: str) -> bool:
    """Whether a classification needs a safeguarding lead. Whether an incident does is
    rules.escalation_mandatory: this, on the most serious classification it ever had."""
    return severity in MANDATORY_SEVERITIES or safeguarding != Safeguarding.NONE


# From least to most serious: the order in which "the most serious ever recorded" is kept.
SEVERITY_ORDER = (Severity.LOW, Severity.MODERATE, Severity.HIGH, Severity.CRITICAL)
SAFEGUARDING_ORDER = (Safeguarding.NONE, Safeguarding.ADULT, Safeguarding.CHILD, Safeguarding.BOTH)


def more_serious(order: tuple, first: str, second: str) -> str:
    return max(first, second, key=order.index)


def safeguarding_peak(first: str, second: str) -> str:
    """Everyone ever recorded at risk: an adult once and a child since is both, not just the
    child (the database does the same: incidents_safeguarding_peak, migration 0008)."""
    if {first, second} == {Safeguarding.ADULT, Safeguarding.CHILD}:
        return Safeguarding.BOTH
    return more_serious(SAFEGUARDING_ORDER, first, second)

"""The roles app's choices. The models expose each as a nested class (Role.Family,
RoleVersion.Status, SupervisionRequirement.Kind, ...): use those names elsewhere."""

from django.db import models


class RoleFamily(models.TextChoices):
    PEER_SUPPORT_WORKER = "peer_support_worker", "Peer support worker"
    SENIOR_PEER = "senior_peer", "Senior or lead peer worker"
    EXPERT_BY_EXPERIENCE = "expert_by_experience", "Expert by experience"
    COPRODUCTION_LEAD = "coproduction_lead", "Co-production or participation lead"
    PEER_RESEARCHER = "peer_researcher", "Peer researcher"
    PEER_EDUCATOR = "peer_educator", "Peer educator or trainer"
    LIVED_EXPERIENCE_DIRECTOR = "lived_experience_director", "Lived experience director"
    OTHER = "other", "Other lived experience role"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Replaced by a newer version"
    RETIRED = "retired", "Retired"


class LivedExperience(models.TextChoices):
    PERSONAL = "personal", "Personal experience of mental distress and of using services"
    CARER = "carer", "Experience as a carer or family member"
    NAMED_SERVICE = "named_service", "Experience of a named service"


class EmploymentBasis(models.TextChoices):
    EMPLOYED = "employed", "Employed on an Agenda for Change band"
    SESSIONAL = "sessional", "Sessional (involvement bank)"
    INVOLVEMENT_PAID = "involvement_paid", "Paid per involvement activity"
    VOLUNTARY = "voluntary", "Voluntary, with expenses paid"


class AfcBand(models.TextChoices):
    BAND_2 = "2", "Band 2"
    BAND_3 = "3", "Band 3"
    BAND_4 = "4", "Band 4"
    BAND_5 = "5", "Band 5"
    BAND_6 = "6", "Band 6"
    BAND_7 = "7", "Band 7"
    BAND_8A = "8a", "Band 8a"
    BAND_8B = "8b", "Band 8b"
    BAND_8C = "8c", "Band 8c"
    BAND_8D = "8d", "Band 8d"
    BAND_9 = "9", "Band 9"


class SupervisionKind(models.TextChoices):
    LINE_MANAGEMENT = "line_management", "Line management supervision"
    PEER = "peer", "Peer supervision"
    REFLECTIVE_PRACTICE = "reflective_practice", "Reflective practice group"
    CLINICAL = "clinical", "Clinical supervision"


class Urgency(models.TextChoices):
    IMMEDIATELY = "immediately", "Straight away"
    SAME_DAY = "same_day", "The same working day"
    WITHIN_24_HOURS = "24_hours", "Within 24 hours"
    WITHIN_2_WORKING_DAYS = "2_working_days", "Within 2 working days"
    NEXT_SUPERVISION = "next_supervision", "At the next supervision"

"""Self-declared equality monitoring: the nine protected characteristics of the Equality
Act 2010, each optional and each with "prefer not to say".

Only the person ever sees their own answers. Reports read counts computed in the database,
never individual rows (see workforce/selectors/diversity.py).
"""

from django.db import models

from workforce.platform.checks import OneQueryChecks
from workforce.register.models.people import Person

PREFER_NOT_TO_SAY = "prefer_not_to_say"


class AgeBand(models.TextChoices):
    AGE_16_24 = "16_24", "16 to 24"
    AGE_25_34 = "25_34", "25 to 34"
    AGE_35_44 = "35_44", "35 to 44"
    AGE_45_54 = "45_54", "45 to 54"
    AGE_55_64 = "55_64", "55 to 64"
    AGE_65_PLUS = "65_plus", "65 or over"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


class MarriageCivilPartnership(models.TextChoices):
    MARRIED = "married", "Married"
    CIVIL_PARTNERSHIP = "civil_partnership", "In a civil partnership"
    NEITHER = "neither", "Neither"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


class EthnicGroup(models.TextChoices):
    # The Office for National Statistics' high-level groups (2021 census, England and Wales).
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Another ethnic group"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


class ReligionBelief(models.TextChoices):
    NONE = "none", "No religion"
    BUDDHIST = "buddhist", "Buddhist"
    CHRISTIAN = "christian", "Christian"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Another religion or belief"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


class SexualOrientation(models.TextChoices):
    BISEXUAL = "bisexual", "Bisexual"
    GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
    HETEROSEXUAL = "heterosexual", "Heterosexual or straight"
    OTHER = "other", "Another sexual orientation"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, "Prefer not to say"


# (field, characteristic as the Act names it, the question asked, its choices)
CHARACTERISTICS: list[tuple[str, str, str, type[models.TextChoices]]] = [
    ("age", "Age", "Which age group are you in?", AgeBand),
    (
        "disability",
        "Disability",
        "Do you consider yourself to have a disability or long-term health condition?",
        YesNo,
    ),
    (
        "gender_reassignment",
        "Gender reassignment",
        "Is the gender you identify with different from the sex you were registered at birth?",
        YesNo,
    ),
    (
        "marriage_civil_partnership",
        "Marriage and civil partnership",
        "Are you married or in a civil partnership?",
        MarriageCivilPartnership,
    ),
    (
        "pregnancy_maternity",
        "Pregnancy and maternity",
        "Are you pregnant, or have you given birth in the last 26 weeks?",
        YesNo,
    ),
    ("race", "Race", "What is your ethnic group?", EthnicGroup),
    ("religion_belief", "Religion or belief", "What is your religion or belief?", ReligionBelief),
    ("sex", "Sex", "What is your sex?", Sex),
    (
        "sexual_orientation",
        "Sexual orientation",
        "Which best describes your sexual orientation?",
        SexualOrientation,
    ),
]


def _answer(choices: type[models.TextChoices]) -> models.CharField:
    # Blank means "not answered", which is different from "prefer not to say".
    return models.CharField(max_length=20, choices=choices.choices, blank=True)


class DiversityProfile(OneQueryChecks):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="diversity")
    age = _answer(AgeBand)
    disability = _answer(YesNo)
    gender_reassignment = _answer(YesNo)
    marriage_civil_partnership = _answer(MarriageCivilPartnership)
    pregnancy_maternity = _answer(YesNo)
    race = _answer(EthnicGroup)
    religion_belief = _answer(ReligionBelief)
    sex = _answer(Sex)
    sexual_orientation = _answer(SexualOrientation)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "diversity profile"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{field}__in": ["", *choices.values]}),
                name=f"diversity_{field}_valid",
            )
            for field, _, _, choices in CHARACTERISTICS
        ]

    def __str__(self):
        # Never the answers: this string shows up in logs and the admin.
        return f"Diversity answers of person #{self.person_id}"

    @property
    def organisation_id(self) -> int:
        return self.person.organisation_id

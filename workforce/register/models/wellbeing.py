from django.conf import settings
from django.db import models

from workforce.register.models.people import Person


class WellbeingPlan(models.Model):
    """A WRAP-style wellbeing and reasonable adjustments plan, in the person's own words.

    Seen and changed only by the person, their supervisor and the organisation's
    co-production leads (see access.py); every change is audited by the service.
    """

    # (field name, heading, hint): the order and wording the pages show.
    SECTIONS = [
        (
            "keeps_me_well",
            "What keeps me well",
            "Things you do, people, routines and places that help you stay well at work.",
        ),
        (
            "early_signs",
            "Early signs that I am becoming unwell",
            "What you, or the people you work with, might notice first.",
        ),
        (
            "what_helps",
            "What helps when I am struggling",
            "What you would like colleagues and your supervisor to do, or not do.",
        ),
        (
            "adjustments_agreed",
            "Reasonable adjustments agreed",
            "Adjustments agreed with your organisation, e.g. flexible hours or a quiet space.",
        ),
    ]

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="wellbeing_plan")
    keeps_me_well = models.TextField(blank=True)
    early_signs = models.TextField(blank=True)
    what_helps = models.TextField(blank=True)
    adjustments_agreed = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "wellbeing plan"

    def __str__(self):
        return f"Wellbeing plan of {self.person}"

    @property
    def organisation_id(self) -> int:
        # The audit trail files entries under the person's organisation.
        return self.person.organisation_id

    @classmethod
    def section_names(cls) -> list[str]:
        return [name for name, _, _ in cls.SECTIONS]

    def is_empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in self.section_names())

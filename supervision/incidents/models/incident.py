"""A boundary incident: the original report (fixed for ever) and where it is in the workflow.

Rules the database keeps, whatever writes to it (the constraints below and migration 0002's
trigger):
- the original report (who reported it, about whom, when, the narrative, and every
  `reported_*` column) never changes after submission; corrections change only the current
  classification columns, and each one is appended to the chronology;
- the workflow only moves along its steps (reported -> triaged or escalated, triaged ->
  escalated or in review, escalated -> acknowledged -> in review -> closed), and what a step
  records (who, when, the decision) is written once;
- the current classification changes only through a correction row in the chronology (migration
  0004: the row is inserted and the database applies it);
- escalation is mandatory for high or critical severity or any safeguarding concern, judged on
  the most serious classification ever recorded (`peak_*`): such an incident cannot be past
  triage without a named safeguarding lead, and only a safeguarding lead's recorded downgrade
  lowers `peak_*`;
- a step's columns are filled exactly when the incident has reached that step;
- an incident is never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from supervision.incidents.models.choices import (
    OPEN_STATES,
    OPTIONAL_SEVERITIES,
    AbuseType,
    Category,
    DbsDecision,
    Outcome,
    ReferralConsent,
    Safeguarding,
    Severity,
    State,
    TriageDecision,
)
from workforce.platform.checks import OneQueryChecks

_USER = settings.AUTH_USER_MODEL


def _user(**kwargs) -> models.ForeignKey:
    return models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", **kwargs)


def _all_or_none(*fields: str) -> Q:
    return Q(**{f"{name}__isnull": True for name in fields}) | Q(
        **{f"{name}__isnull": False for name in fields}
    )


_PERSONAL_EMPTY = Q(
    personal_recorded_at__isnull=True,
    personal_recorded_by__isnull=True,
    personal_views="",
    referral_consent="",
    referral_without_consent_reason="",
    capacity_considered__isnull=True,
    capacity_note="",
)
_PERSONAL_RECORDED = (
    Q(
        personal_recorded_at__isnull=False,
        personal_recorded_by__isnull=False,
        capacity_considered__isnull=False,
    )
    & ~Q(personal_views="")
    & ~Q(referral_consent="")
    & ~Q(capacity_note="")
)
_DBS_RECORDED = Q(dbs_recorded_at__isnull=False, dbs_recorded_by__isnull=False)

# The safeguarding record's rules, kept apart from the workflow's above.
SAFEGUARDING_RECORD_CONSTRAINTS = [
    models.CheckConstraint(
        condition=Q(abuse_types__contained_by=AbuseType.values),
        name="incident_abuse_types_valid",
    ),
    models.CheckConstraint(
        condition=Q(referral_consent__in=["", *ReferralConsent.values]),
        name="incident_referral_consent_valid",
    ),
    models.CheckConstraint(
        condition=_PERSONAL_EMPTY | _PERSONAL_RECORDED,
        name="incident_personal_recorded",
        violation_error_message="Record the person's views and wishes, consent to a referral "
        "and whether mental capacity was considered, with a note.",
    ),
    models.CheckConstraint(
        condition=(
            Q(referral_consent=ReferralConsent.WITHOUT) & ~Q(referral_without_consent_reason="")
        )
        | (~Q(referral_consent=ReferralConsent.WITHOUT) & Q(referral_without_consent_reason="")),
        name="incident_referral_without_consent_has_reason",
        violation_error_message="Say why the referral is made without their agreement.",
    ),
    models.CheckConstraint(
        condition=Q(dbs_decision__in=["", *DbsDecision.values]),
        name="incident_dbs_decision_valid",
    ),
    models.CheckConstraint(
        condition=Q(
            dbs_decision="",
            dbs_referred_on__isnull=True,
            dbs_not_referred_reason="",
            dbs_recorded_at__isnull=True,
            dbs_recorded_by__isnull=True,
        )
        | (
            Q(dbs_decision=DbsDecision.REFERRED, dbs_referred_on__isnull=False)
            & Q(dbs_not_referred_reason="")
            & _DBS_RECORDED
        )
        | (
            Q(dbs_decision=DbsDecision.NOT_REFERRED, dbs_referred_on__isnull=True)
            & ~Q(dbs_not_referred_reason="")
            & _DBS_RECORDED
        ),
        name="incident_dbs_decision_recorded",
        violation_error_message="A referral to the DBS has a date; not referring has a reason.",
    ),
    # THE DBS rule: removed from regulated activity, closed only with the decision recorded.
    models.CheckConstraint(
        condition=~Q(state=State.CLOSED, removed_from_regulated_activity=True, dbs_decision=""),
        name="incident_dbs_decision_before_closing",
        violation_error_message="The worker was removed from regulated activity: record whether "
        "they were referred to the DBS before closing.",
    ),
]


class Incident(OneQueryChecks):
    Category = Category
    Severity = Severity
    Safeguarding = Safeguarding
    State = State
    TriageDecision = TriageDecision
    Outcome = Outcome

    organisation = models.ForeignKey(
        "workforce.Organisation", on_delete=models.PROTECT, related_name="incidents"
    )
    person = models.ForeignKey(
        "workforce.Person",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name="worker concerned",
    )
    reported_by = _user()
    reported_at = models.DateTimeField()
    narrative = models.TextField("what happened")
    told_someone = models.BooleanField("already told someone verbally", default=False)
    told_whom = models.CharField("who they told", max_length=200, blank=True)

    # As reported: never changes.
    reported_occurred_on = models.DateField()
    reported_occurred_time = models.TimeField(null=True, blank=True)
    reported_category = models.CharField(max_length=30, choices=Category.choices)
    reported_exclusion = models.ForeignKey(
        "roles.RoleExclusion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_severity = models.CharField(max_length=10, choices=Severity.choices)
    reported_safeguarding = models.CharField(max_length=10, choices=Safeguarding.choices)

    # Now: the same, after any corrections (each one is in the chronology).
    occurred_on = models.DateField("date it happened")
    occurred_time = models.TimeField("time it happened", null=True, blank=True)
    category = models.CharField(max_length=30, choices=Category.choices)
    exclusion = models.ForeignKey(
        "roles.RoleExclusion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name="role exclusion breached",
    )
    severity = models.CharField(max_length=10, choices=Severity.choices)
    safeguarding = models.CharField(
        "safeguarding concern", max_length=10, choices=Safeguarding.choices
    )

    # The most serious classification ever recorded (the report and every correction since):
    # what makes escalation mandatory (rules.escalation_mandatory). A milder correction leaves
    # it as it was; only a safeguarding lead's downgrade, with a reason, sets it back to the
    # current classification. The database keeps it, from the chronology (migration 0004).
    peak_severity = models.CharField(
        "most serious severity recorded", max_length=10, choices=Severity.choices
    )
    peak_safeguarding = models.CharField(
        "most serious safeguarding concern recorded", max_length=10, choices=Safeguarding.choices
    )

    # Flagged when reported: an earlier incident for the same worker and category within
    # 12 months (the links are IncidentRecurrence rows).
    is_recurrence = models.BooleanField(default=False)
    earlier = models.ManyToManyField(
        "self",
        through="incidents.IncidentRecurrence",
        symmetrical=False,
        related_name="later",
        blank=True,
    )

    state = models.CharField(max_length=20, choices=State.choices, default=State.REPORTED)
    triage_due_at = models.DateTimeField()
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = _user(null=True, blank=True)
    triage_decision = models.CharField(max_length=20, choices=TriageDecision.choices, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = _user(null=True, blank=True)
    escalated_to = models.ForeignKey(
        _USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents_escalated_to",
        verbose_name="safeguarding lead",
    )
    acknowledge_due_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = _user(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = _user(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = _user(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    learning = models.TextField("learning", blank=True)
    no_referral_reason = models.TextField("why no external referral was made", blank=True)

    # A safeguarding lead may hide an incident from the worker it is about (reason required).
    worker_restricted = models.BooleanField("hidden from the worker", default=False)
    worker_restricted_reason = models.TextField(blank=True)

    # Caldicott (need to know): a safeguarding lead may restrict an escalated incident to the
    # organisation's safeguarding leads, with a reason. Everyone else who sees it then sees
    # only that it exists (rules.visible_q and rules.restricted_q).
    leads_only_at = models.DateTimeField(
        "restricted to safeguarding leads at", null=True, blank=True
    )
    leads_only_by = _user(null=True, blank=True)
    # A database default too, so rows inserted by SQL (the benchmark seed) need not name it.
    leads_only_reason = models.TextField(
        "why it is restricted to safeguarding leads", blank=True, default="", db_default=""
    )
    # --- The safeguarding record (Care Act 2014; services/safeguarding.py). Each change is a
    # step in the chronology; none of it changes once the incident is closed, and an escalated
    # incident closes only with Making Safeguarding Personal recorded (migration 0007).
    abuse_types = ArrayField(
        models.CharField(max_length=20, choices=AbuseType.choices),
        default=list,
        blank=True,
        verbose_name="types of abuse or neglect",
    )
    # Making Safeguarding Personal, recorded by a safeguarding lead.
    personal_views = models.TextField("the person's views and wishes", blank=True)
    referral_consent = models.CharField(
        "consent to a referral", max_length=20, choices=ReferralConsent.choices, blank=True
    )
    referral_without_consent_reason = models.TextField(
        "why the referral is made without their agreement", blank=True
    )
    capacity_considered = models.BooleanField(
        "mental capacity was considered", null=True, blank=True
    )
    capacity_note = models.TextField("note on mental capacity", blank=True)
    personal_recorded_at = models.DateTimeField(null=True, blank=True)
    personal_recorded_by = _user(null=True, blank=True)
    # The DBS as a referral agency: removing the worker from regulated activity means the duty
    # to refer must be considered, and the decision recorded, before closing.
    removed_from_regulated_activity = models.BooleanField(
        "the worker was removed from regulated activity", default=False
    )
    dbs_decision = models.CharField(
        "duty to refer considered", max_length=20, choices=DbsDecision.choices, blank=True
    )
    dbs_referred_on = models.DateField("date referred to the DBS", null=True, blank=True)
    dbs_not_referred_reason = models.TextField(
        "why the worker was not referred to the DBS", blank=True
    )
    dbs_recorded_at = models.DateTimeField(null=True, blank=True)
    dbs_recorded_by = _user(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        indexes = [
            # Serves every list: an organisation's incidents by state, newest first.
            models.Index(
                fields=["organisation", "state", "reported_at"], name="incident_org_state_idx"
            ),
            # Serves the incidents list in its default order, newest first, for someone who
            # sees a whole organisation (selectors.incident_list): the page's 25 straight off
            # the index instead of sorting every incident of a large trust (bench/README.md).
            models.Index(
                fields=["organisation", "-reported_at", "-id"], name="incident_org_newest_idx"
            ),
            # Serves the recurrence check and the per-worker chronology.
            models.Index(
                fields=["person", "category", "occurred_on"], name="incident_recurrence_idx"
            ),
            # Serves the triage queue and the overdue-triage reminders.
            models.Index(
                fields=["triage_due_at"],
                condition=Q(state="reported"),
                name="incident_awaiting_triage_idx",
            ),
            # Serves the escalations queue and the overdue-acknowledgement reminders.
            models.Index(
                fields=["escalated_to", "acknowledge_due_at"],
                condition=Q(state="escalated"),
                name="incident_awaiting_ack_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="incident_state_valid"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{prefix}category__in": Category.values}),
                    name=f"incident_{prefix}category_valid",
                )
                for prefix in ("", "reported_")
            ],
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{prefix}severity__in": Severity.values}),
                    name=f"incident_{prefix}severity_valid",
                )
                for prefix in ("", "reported_", "peak_")
            ],
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{prefix}safeguarding__in": Safeguarding.values}),
                    name=f"incident_{prefix}safeguarding_valid",
                )
                for prefix in ("", "reported_", "peak_")
            ],
            models.CheckConstraint(
                condition=Q(triage_decision__in=["", *TriageDecision.values]),
                name="incident_triage_decision_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", *Outcome.values]), name="incident_outcome_valid"
            ),
            models.CheckConstraint(
                condition=~Q(narrative=""),
                name="incident_narrative_required",
                violation_error_message="Say what happened.",
            ),
            models.CheckConstraint(
                condition=Q(told_someone=False, told_whom="")
                | (Q(told_someone=True) & ~Q(told_whom="")),
                name="incident_told_whom_iff_told",
                violation_error_message="Say who you told, or that you have not told anyone.",
            ),
            models.CheckConstraint(
                condition=Q(triage_due_at__gt=F("reported_at")),
                name="incident_triage_due_after_report",
            ),
            # THE rule: high or critical severity, or any safeguarding concern, ever recorded,
            # cannot be past triage without a named safeguarding lead ("supervision only" is
            # refused).
            models.CheckConstraint(
                condition=Q(
                    peak_severity__in=OPTIONAL_SEVERITIES, peak_safeguarding=Safeguarding.NONE
                )
                | Q(state=State.REPORTED)
                | Q(escalated_to__isnull=False),
                name="incident_escalation_mandatory",
                violation_error_message="High or critical severity, or any safeguarding "
                "concern, must be escalated to a safeguarding lead.",
            ),
            # The most serious ever recorded is at least as serious as now (the trigger keeps
            # the order within each; this keeps the rule above covering the current one).
            models.CheckConstraint(
                condition=Q(severity__in=OPTIONAL_SEVERITIES, safeguarding=Safeguarding.NONE)
                | ~Q(peak_severity__in=OPTIONAL_SEVERITIES, peak_safeguarding=Safeguarding.NONE),
                name="incident_peak_at_least_current",
            ),
            models.CheckConstraint(
                condition=Q(
                    state=State.REPORTED,
                    triaged_at__isnull=True,
                    triaged_by__isnull=True,
                    triage_decision="",
                )
                | (
                    ~Q(state=State.REPORTED)
                    & Q(triaged_at__isnull=False, triaged_by__isnull=False)
                    & ~Q(triage_decision="")
                ),
                name="incident_triage_recorded",
            ),
            models.CheckConstraint(
                condition=_all_or_none(
                    "escalated_at", "escalated_by", "escalated_to", "acknowledge_due_at"
                ),
                name="incident_escalation_recorded",
            ),
            # "Escalate" at triage names the lead in the same step.
            models.CheckConstraint(
                condition=~Q(triage_decision=TriageDecision.ESCALATE)
                | Q(escalated_at__isnull=False),
                name="incident_escalate_decision_has_lead",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[State.ESCALATED, State.ACKNOWLEDGED])
                | Q(escalated_at__isnull=False),
                name="incident_escalated_states_have_lead",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[State.REPORTED, State.TRIAGED])
                | Q(escalated_at__isnull=True),
                name="incident_not_escalated_before_escalation",
            ),
            models.CheckConstraint(
                condition=Q(acknowledge_due_at__isnull=True)
                | Q(acknowledge_due_at__gt=F("escalated_at")),
                name="incident_acknowledge_due_after_escalation",
            ),
            # Acknowledged exactly when escalated and past the "escalated" state.
            models.CheckConstraint(
                condition=Q(
                    acknowledged_at__isnull=True,
                    acknowledged_by__isnull=True,
                    state__in=[State.REPORTED, State.TRIAGED, State.ESCALATED],
                )
                | Q(
                    acknowledged_at__isnull=True,
                    acknowledged_by__isnull=True,
                    escalated_at__isnull=True,
                    state__in=[State.IN_REVIEW, State.CLOSED],
                )
                | Q(
                    acknowledged_at__isnull=False,
                    acknowledged_by__isnull=False,
                    escalated_at__isnull=False,
                    state__in=[State.ACKNOWLEDGED, State.IN_REVIEW, State.CLOSED],
                ),
                name="incident_acknowledgement_recorded",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=[State.IN_REVIEW, State.CLOSED],
                    reviewed_at__isnull=False,
                    reviewed_by__isnull=False,
                )
                | (
                    ~Q(state__in=[State.IN_REVIEW, State.CLOSED])
                    & Q(reviewed_at__isnull=True, reviewed_by__isnull=True)
                ),
                name="incident_review_recorded",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state=State.CLOSED, closed_at__isnull=False, closed_by__isnull=False)
                    & ~Q(outcome="")
                    & ~Q(learning="")
                )
                | (
                    ~Q(state=State.CLOSED)
                    & Q(
                        closed_at__isnull=True,
                        closed_by__isnull=True,
                        outcome="",
                        learning="",
                        no_referral_reason="",
                    )
                ),
                name="incident_closure_recorded",
                violation_error_message="Closing needs an outcome and the learning.",
            ),
            models.CheckConstraint(
                condition=Q(worker_restricted=False, worker_restricted_reason="")
                | (Q(worker_restricted=True) & ~Q(worker_restricted_reason="")),
                name="incident_restriction_has_reason",
                violation_error_message="Give the reason for hiding it from the worker.",
            ),
            # Caldicott restriction: who, when and why together, and only once escalated.
            models.CheckConstraint(
                condition=Q(leads_only_at__isnull=True, leads_only_by__isnull=True)
                & Q(leads_only_reason="")
                | (
                    Q(leads_only_at__isnull=False, leads_only_by__isnull=False)
                    & ~Q(leads_only_reason="")
                ),
                name="incident_leads_only_has_reason",
                violation_error_message="Give the reason for restricting it to safeguarding leads.",
            ),
            models.CheckConstraint(
                condition=Q(leads_only_at__isnull=True) | Q(escalated_at__isnull=False),
                name="incident_leads_only_when_escalated",
                violation_error_message="Only an escalated incident can be restricted to "
                "safeguarding leads.",
            ),
            *SAFEGUARDING_RECORD_CONSTRAINTS,
        ]

    def __str__(self):
        return f"Boundary incident #{self.pk}"

    @property
    def reference(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_leads_only(self) -> bool:
        return self.leads_only_at is not None

    @property
    def is_escalated(self) -> bool:
        return self.escalated_at is not None

    @property
    def escalation_mandatory(self) -> bool:
        """rules.escalation_mandatory (the one rule), for templates and tests."""
        # Inside the method: the rules module imports this model (an unavoidable cycle).
        from supervision.incidents import rules

        return rules.escalation_mandatory(self)

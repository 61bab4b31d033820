"""Supervision sessions, who was supervised in them, their private notes and agreed actions.

Privacy is built into the tables: `SupervisionSession` holds only what leads and
administrators may see (that a session happened: date, type, format, minutes, status). What
was said lives in `SessionNote` (notes and topics) and `SessionAction` (agreed actions), which
only the supervisee(s) and the supervisor can read. Lists, compliance and exports read the
session table alone, so they never even load the private text.

Rules the database keeps (see the constraints below and migration 0001):
- minutes are positive; a session is never dated after the day it was logged;
- the same supervisee, supervisor, date and type is logged once (on `SessionSupervisee`,
  whose copies of supervisor, date and type a composite foreign key keeps equal to the
  session's);
- status and the confirm/dispute columns agree, and nobody confirms or disputes their own log;
- each attendee answers for their own presence (`SessionSupervisee.answer`); the session's
  status is what their answers add up to, checked at commit (migration 0005);
- a withdrawn session keeps its rows but counts for nobody, and no longer blocks a fresh log
  of the same session (the duplicate rule skips withdrawn links, kept equal to the session
  by the composite foreign key);
- a supervisee belongs to the session's organisation and is never their own supervisor.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

# Choices live in their own module, as in roles, so template tags can label stored values
# without importing the models.
from roles.choices import SupervisionKind
from supervision.choices import Answer, SessionFormat, SessionStatus, Topic
from workforce.platform.checks import OneQueryChecks

# A session longer than a working day is a typing mistake, not supervision.
MAX_MINUTES = 600


def _status_consistent() -> Q:
    never_confirmed = Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
    confirmed = Q(confirmed_by__isnull=False, confirmed_at__isnull=False)
    never_disputed = Q(disputed_by__isnull=True, disputed_at__isnull=True, dispute_reason="")
    disputed = Q(disputed_by__isnull=False, disputed_at__isnull=False) & ~Q(dispute_reason="")
    # A dispute stays on the session once made: after a correction (waiting again), a
    # confirmation after all, or a withdrawal.
    ever_disputed = never_disputed | disputed
    live = Q(withdrawn_at__isnull=True)
    return (
        (Q(status="awaiting") & never_confirmed & ever_disputed & live)
        | (Q(status="disputed") & never_confirmed & disputed & live)
        | (Q(status="confirmed") & confirmed & ever_disputed & live)
        | (Q(status="withdrawn", withdrawn_at__isnull=False) & never_confirmed & ever_disputed)
    )


def _answer_consistent() -> Q:
    answered = Q(answered_at__isnull=False)
    return (
        Q(answer__in=[Answer.NONE, Answer.AWAITING], answered_at__isnull=True)
        | Q(answer=Answer.CONFIRMED) & answered
        | (Q(answer=Answer.DISPUTED) & answered & ~Q(dispute_reason=""))
    )


class SupervisionSession(OneQueryChecks):
    """That a session happened: the metadata everyone allowed to know about it may see."""

    Kind = SupervisionKind
    Format = SessionFormat
    Status = SessionStatus

    organisation = models.ForeignKey(
        "workforce.Organisation", on_delete=models.PROTECT, related_name="supervision_sessions"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_given"
    )
    supervisees = models.ManyToManyField(
        "workforce.Person", through="SessionSupervisee", related_name="supervision_sessions"
    )
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField()
    kind = models.CharField("type", max_length=30, choices=SupervisionKind.choices)
    format = models.CharField(max_length=20, choices=SessionFormat.choices)
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.AWAITING
    )

    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    # The local date the log was made: the "not in the future" check compares against it,
    # because a CHECK against today's date would depend on when it is evaluated.
    logged_on = models.DateField(default=timezone.localdate)

    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # A dispute is kept when the disputing party later confirms after all: both views stay.
    disputed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disputed_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Copied to every supervisee link through the composite foreign key, so the duplicate
    # rule there can leave withdrawn sessions out.
    withdrawn = models.GeneratedField(
        expression=Q(status=SessionStatus.WITHDRAWN),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            # Serves leads' session lists and exports: one organisation, newest first.
            models.Index(fields=["organisation", "date"], name="supsession_org_date_idx"),
            # Serves "waiting for you to confirm" for supervisors.
            models.Index(fields=["supervisor", "status"], name="supsession_supervisor_idx"),
            # Serves awaiting_answer() on the home page: the logs still waiting for an answer
            # are a small part of an organisation's sessions, and its OR (the user as
            # supervisor, or as a supervisee of the supervisor's log) defeats the index
            # above (bench/README.md).
            models.Index(
                fields=["organisation"],
                condition=Q(status="awaiting"),
                name="supsession_awaiting_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gt=0, minutes__lte=MAX_MINUTES),
                name="supervisionsession_minutes_positive",
                violation_error_message="Minutes must be more than 0 and at most 600.",
            ),
            models.CheckConstraint(
                condition=Q(date__lte=F("logged_on")),
                name="supervisionsession_not_in_future",
                violation_error_message="A session cannot be logged before it has happened.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SupervisionKind.values), name="supervisionsession_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(format__in=SessionFormat.values),
                name="supervisionsession_format_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values),
                name="supervisionsession_status_valid",
            ),
            models.CheckConstraint(
                condition=_status_consistent(), name="supervisionsession_status_consistent"
            ),
            # The other party answers a log, never the person who made it.
            models.CheckConstraint(
                condition=(Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("logged_by")))
                & (Q(disputed_by__isnull=True) | ~Q(disputed_by=F("logged_by"))),
                name="supervisionsession_other_party_answers",
            ),
            # The target of SessionSupervisee's composite foreign key (migration 0001).
            models.UniqueConstraint(
                fields=["id", "supervisor", "date", "kind", "withdrawn"],
                name="supervisionsession_link_key",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.date:%d/%m/%Y} ({self.get_status_display()})"

    @property
    def is_confirmed(self) -> bool:
        return self.status == SessionStatus.CONFIRMED

    @property
    def is_disputed(self) -> bool:
        return self.status == SessionStatus.DISPUTED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == SessionStatus.WITHDRAWN


class SessionSupervisee(OneQueryChecks):
    """One person supervised in a session (several for a group or reflective session).

    `supervisor`, `date` and `kind` repeat the session's so that the duplicate rule can be
    a unique constraint; a composite foreign key to the session keeps them equal.
    """

    session = models.ForeignKey(
        SupervisionSession, on_delete=models.CASCADE, related_name="supervisee_links"
    )
    person = models.ForeignKey(
        "workforce.Person", on_delete=models.PROTECT, related_name="supervision_links"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField()
    kind = models.CharField(max_length=30, choices=SupervisionKind.choices)
    withdrawn = models.BooleanField(default=False, db_default=False)
    answer = models.CharField(
        max_length=20, choices=Answer.choices, blank=True, default="", db_default=""
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.TextField(blank=True, default="", db_default="")

    class Meta:
        ordering = ["session", "person__full_name"]
        verbose_name = "session supervisee"
        indexes = [
            # Serves compliance: a person's latest session of a type.
            models.Index(fields=["person", "kind", "-date"], name="supsupervisee_person_kind_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "supervisor", "date", "kind"],
                condition=Q(withdrawn=False),
                name="supervision_session_not_duplicated",
                violation_error_message="This session is already logged.",
            ),
            models.CheckConstraint(
                condition=Q(answer__in=Answer.values), name="sessionsupervisee_answer_valid"
            ),
            models.CheckConstraint(
                condition=_answer_consistent(), name="sessionsupervisee_answer_consistent"
            ),
            models.UniqueConstraint(
                fields=["session", "person"], name="sessionsupervisee_once_per_session"
            ),
        ]

    def __str__(self):
        return f"{self.person} in session #{self.session_id}"


class SessionNote(models.Model):
    """What was said: private to the supervisee(s) and the supervisor, nobody else."""

    Topic = Topic

    session = models.OneToOneField(
        SupervisionSession, on_delete=models.CASCADE, primary_key=True, related_name="note"
    )
    topics = ArrayField(
        models.CharField(max_length=30, choices=Topic.choices), default=list, blank=True
    )
    text = models.TextField("private notes", blank=True)

    class Meta:
        verbose_name = "session note"
        constraints = [
            models.CheckConstraint(
                condition=Q(topics__contained_by=Topic.values), name="sessionnote_topics_valid"
            ),
        ]

    def __str__(self):
        return f"Private notes of session #{self.session_id}"

    def topic_labels(self) -> list[str]:
        return [Topic(value).label for value in self.topics]


class SessionAction(OneQueryChecks):
    """Something agreed in a session: one owner (a party to it), a due date, done or not.
    Private to the parties, like the notes."""

    session = models.ForeignKey(
        SupervisionSession, on_delete=models.PROTECT, related_name="actions"
    )
    text = models.CharField("action", max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_actions"
    )
    due_date = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when its session is withdrawn, or its owner taken off a corrected session: it is
    # no longer anyone's to do, but stays on the record.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            # Serves the open actions on home pages (open = done_at is null).
            models.Index(
                fields=["session", "due_date"],
                condition=Q(done_at__isnull=True),
                name="supaction_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="sessionaction_text_required"),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="sessionaction_done_consistent",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(withdrawn_at__isnull=True),
                name="sessionaction_done_or_withdrawn",
            ),
        ]

    def __str__(self):
        return f"Action #{self.pk} of session #{self.session_id}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def is_overdue(self, on=None) -> bool:
        return (
            not self.is_done
            and not self.is_withdrawn
            and self.due_date < (on or timezone.localdate())
        )


class SupervisionDue(models.Model):
    """Each assignment's clock per supervision requirement of its role version: the last
    session that counts for it and the day it was first required, kept by the database.

    Compliance reads these instead of searching every person's sessions on every view, so
    a page straight after a change costs what it costs when nothing changed. Only
    `supervision_due_refresh()` (migration 0004) writes the table, from statement
    triggers on sessions, their supervisees, assignments and requirements, in the same
    transaction as the change; a trigger refuses any other write. The rules are those of
    `supervision.selectors.compliance`, which proves in tests that the kept rows equal the
    ones worked out from scratch.

    - last_confirmed: the person's latest confirmed session of this type at least this
      many minutes long, whichever supervisor or role version it was under.
    - required_since: the first day the person held a version of this role asking for
      this type of supervision.
    """

    # DO_NOTHING: the triggers remove these rows with what they depend on; Django's own
    # cascade would be a write the guard refuses.
    assignment = models.ForeignKey(
        "workforce.Assignment", on_delete=models.DO_NOTHING, related_name="due_rows"
    )
    requirement = models.ForeignKey(
        "roles.SupervisionRequirement", on_delete=models.DO_NOTHING, related_name="+"
    )
    person = models.ForeignKey("workforce.Person", on_delete=models.DO_NOTHING, related_name="+")
    kind = models.CharField(max_length=30, choices=SupervisionKind.choices)
    days = models.PositiveSmallIntegerField()
    minutes = models.PositiveSmallIntegerField()
    last_confirmed = models.DateField(null=True)
    required_since = models.DateField()

    class Meta:
        verbose_name = "supervision due date"
        indexes = [models.Index(fields=["person", "kind"], name="supervisiondue_person_kind_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "requirement"], name="supervisiondue_once_per_requirement"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for assignment #{self.assignment_id}"

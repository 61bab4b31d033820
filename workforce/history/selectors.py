"""Reads for the audit page: row history, the services' audit entries and the read log as
one list, newest first.

Every event model, the audit entries and the read log are queried with the same columns and
joined with UNION ALL in the database, each part already limited to the organisations the
user may audit and to the filters, so paging and the CSV export read exactly the rows asked
for. The columns are who, what and when: never a snapshot's values, so never private text.
An audit entry adds its summary and changes, except a private one (a wellbeing plan, diversity
answers), whose summary and changes are left in the database: the page shows only that it
happened.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from supervision.incidents.models import EventKind, Incident
from workforce.history.models import ReadLogEntry, event_models
from workforce.history.rules import audit_organisation_ids
from workforce.organisations import access
from workforce.organisations.models import Capacity as C
from workforce.organisations.models import Organisation
from workforce.platform.audit import PRIVATE_AUDIT_TYPES
from workforce.platform.models import AuditEntry

ACTIONS = {
    "insert": "Created",
    "update": "Changed",
    "delete": "Deleted",
    "read": "Opened",
}
# Every action a service records (workforce/audit.py), in plain words for the filter and the
# rows. tests/history/test_audit_services.py checks each action named in the code is here.
SERVICE_ACTIONS = {
    "activity.created": "Activity added",
    "assignment.created": "Assignment made",
    "assignment.ended": "Assignment ended",
    "assignment.moved_to_version": "Assignment moved to a new role version",
    "assignment.updated": "Assignment changed",
    "batch.created": "Payment batch made",
    "batch.paid": "Payment batch paid",
    "claim.adjustment_created": "Claim correction made",
    "claim.approved": "Claim approved",
    "claim.changed": "Draft claim changed",
    "claim.created": "Claim started",
    "claim.expense_added": "Expense added to a claim",
    "claim.expense_removed": "Expense removed from a claim",
    "claim.paid": "Claim paid",
    "claim.rejected": "Claim not approved",
    "claim.submitted": "Claim sent for approval",
    "diversity.updated": "Diversity answers updated",
    "incident_policy.updated": "Incident deadlines changed",
    **{f"incident.{kind.value}": f"Incident: {kind.label.lower()}" for kind in EventKind},
    "login.closed": "Login switched off",
    "login.email_changed": "Login email address changed",
    "login.password_changed": "Password changed",
    "login.password_reset": "Password reset by email link",
    "membership.ended": "Membership ended",
    "membership.granted": "Capacity given",
    "organisation.nation_changed": "Organisation's nation changed",
    "organisation.set_up": "Organisation set up",
    "person.created": "Person added",
    "person.invited": "Person invited to sign in",
    "person.left": "Person left",
    "person.reinvited": "Person sent a new invitation",
    "person.updated": "Person changed",
    "payment_policy.updated": "Payments policy changed (correction limit)",
    "preference.changed": "Payment preference changed",
    "preference.discussion_recorded": "Payment discussion recorded",
    "ratecard.created": "Rate card added",
    "retention.anonymised": "Personal details removed (retention)",
    "retention.deleted": "Records deleted (retention)",
    "retention.period_set": "Retention period changed",
    "role.created": "Role created",
    "role.draft_created": "Role draft started",
    "role.draft_discarded": "Role draft discarded",
    "role.draft_updated": "Role draft saved",
    "role.published": "Role version published",
    "role.retired": "Role version retired",
    "role.superseded": "Role version replaced",
    "supervision.action_added": "Supervision action agreed",
    "supervision.action_done": "Supervision action done",
    "supervision.session_confirmed": "Supervision session confirmed",
    "supervision.session_corrected": "Supervision session corrected",
    "supervision.session_disputed": "Supervision session disputed",
    "supervision.session_logged": "Supervision session logged",
    "supervision.session_withdrawn": "Supervision session withdrawn",
    "threshold.created": "Benefits limit added",
    "threshold.ended": "Benefits limit ended",
    "training.recorded": "Training recorded",
    "two_factor.removed": "Authenticator app removed",
    "two_factor.set_up": "Authenticator app set up",
    "wellbeing_plan.updated": "Wellbeing plan changed",
}
# Records that have audit entries but no row history, with their plain names.
SERVICE_RECORD_TYPES = {
    "auth.user": "Login",
    "otp_totp.totpdevice": "Authenticator app",
    "payments.activity": None,
    "payments.benefitsthreshold": "Benefits limit",
    "payments.paymentdiscussion": None,
    "payments.paymentpreference": None,
    "payments.ratecard": None,
    "incidents.incidentpolicy": "Incident deadlines",
    "workforce.organisation": None,
}
PRIVATE_NOTE = "Private: only that it happened is shown."
# The columns every part of the union selects, in this order.
COLUMNS = (
    "h_at",
    "h_seq",
    "h_org",
    "h_type",
    "h_object",
    "h_action",
    "h_actor",
    "h_what",
    "h_url",
    "h_via",
    "h_source",
    "h_summary",
    "h_changes",
)


def action_label(action: str) -> str:
    """The plain words for a row-history, read-log or service action."""
    if action in ACTIONS:
        return ACTIONS[action]
    return SERVICE_ACTIONS.get(action) or action.replace("_", " ").replace(".", ": ").capitalize()


def action_choices() -> list:
    """The action filter's choices: row history and reads, then each service action."""
    service = sorted(SERVICE_ACTIONS.items(), key=lambda item: item[1])
    return [("", "Any action"), ("Any record", list(ACTIONS.items())), ("Services", service)]


@dataclass(frozen=True)
class AuditFilters:
    start: datetime.date | None = None
    end: datetime.date | None = None
    user_id: int | None = None
    record_type: str = ""
    action: str = ""


def record_types() -> dict[str, str]:
    """{model label: plain name} of every record with history or audit entries, e.g.
    "workforce.person"."""
    types = {}
    for model in event_models():
        tracked = model.pgh_tracked_model._meta
        types[tracked.label_lower] = str(tracked.verbose_name).capitalize()
    for label, name in SERVICE_RECORD_TYPES.items():
        if name is None:
            name = str(apps.get_model(label)._meta.verbose_name).capitalize()
        types.setdefault(label, name)
    return dict(sorted(types.items(), key=lambda item: item[1]))


def audit_users(user) -> models.QuerySet:
    """Logins that can appear on `user`'s audit page: those with a membership in the
    organisations `user` audits (for the user filter)."""
    return (
        get_user_model()
        .objects.filter(memberships__organisation_id__in=audit_organisation_ids(user))
        .distinct()
        .select_related("person")
        .order_by("username")
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _in_window(qs: models.QuerySet, field: str, filters: AuditFilters) -> models.QuerySet:
    if filters.start:
        qs = qs.filter(**{f"{field}__gte": _start_of(filters.start)})
    if filters.end:
        qs = qs.filter(**{f"{field}__lt": _start_of(filters.end + datetime.timedelta(days=1))})
    return qs


def _text(value: str) -> Value:
    return Value(value, output_field=models.CharField())


def _no_changes() -> Cast:
    return Cast(Value(None), models.JSONField())


def _event_part(model, organisations, filters: AuditFilters) -> models.QuerySet:
    tracked = model.pgh_tracked_model._meta.label_lower
    qs = model.objects.annotate(
        h_at=F("pgh_created_at"),
        h_seq=Cast("pgh_id", models.BigIntegerField()),
        h_org=F(model.organisation_path),
        h_type=_text(tracked),
        h_object=Cast("pgh_obj_id", models.CharField()),
        h_action=Cast("pgh_label", models.CharField()),
        h_actor=Cast(KeyTextTransform("user", "pgh_context"), models.BigIntegerField()),
        h_what=_text(""),
        h_url=Cast(KeyTextTransform("url", "pgh_context"), models.CharField()),
        h_via=Cast(KeyTextTransform("command", "pgh_context"), models.CharField()),
        h_source=_text("history"),
        h_summary=_text(""),
        h_changes=_no_changes(),
    ).filter(h_org__in=organisations)
    if filters.action:
        qs = qs.filter(pgh_label=filters.action)
    if filters.user_id:
        qs = qs.filter(h_actor=filters.user_id)
    return _in_window(qs, "pgh_created_at", filters).order_by().values(*COLUMNS)


def _read_part(organisations, filters: AuditFilters) -> models.QuerySet:
    qs = ReadLogEntry.objects.annotate(
        h_at=F("at"),
        h_seq=Cast("id", models.BigIntegerField()),
        h_org=F("organisation_id"),
        h_type=F("object_type"),
        h_object=F("object_id"),
        h_action=_text("read"),
        h_actor=Cast("user_id", models.BigIntegerField()),
        h_what=F("what"),
        h_url=F("url"),
        h_via=_text(""),
        h_source=_text("read"),
        h_summary=_text(""),
        h_changes=_no_changes(),
    ).filter(organisation_id__in=organisations)
    if filters.record_type:
        qs = qs.filter(object_type=filters.record_type)
    if filters.user_id:
        qs = qs.filter(user_id=filters.user_id)
    return _in_window(qs, "at", filters).order_by().values(*COLUMNS)


# The restriction's own entries keep their reason on the page: it is the record of why access
# was narrowed, written for the audit trail.
_RESTRICTION_ACTIONS = (
    f"incident.{EventKind.LEADS_ONLY}",
    f"incident.{EventKind.LEADS_ONLY_LIFTED}",
)


def restricted_incident_q(user) -> Q:
    """Audit entries of incidents restricted to safeguarding leads (Caldicott), for a reader who
    is not a safeguarding lead there: the page shows that each step happened, and when, but not
    its changes (classification codes and the like say what the incident is about)."""
    hidden = (
        Incident.objects.filter(leads_only_at__isnull=False)
        .exclude(organisation_id__in=access.organisation_ids(user, C.SAFEGUARDING_LEAD))
        .annotate(key=Cast("pk", models.CharField()))
        .values("key")
    )
    return Q(object_type=Incident._meta.label_lower, object_id__in=hidden) & ~Q(
        action__in=_RESTRICTION_ACTIONS
    )


def _service_part(organisations, filters: AuditFilters, user=None) -> models.QuerySet:
    # A private entry's summary and changes never leave the database; nor do the changes of a
    # restricted incident's entries, for those who may not read it.
    private = Q(object_type__in=sorted(PRIVATE_AUDIT_TYPES))
    masked = private | restricted_incident_q(user) if user is not None else private
    qs = AuditEntry.objects.annotate(
        h_at=F("at"),
        h_seq=Cast("id", models.BigIntegerField()),
        h_org=F("organisation_id"),
        h_type=F("object_type"),
        h_object=F("object_id"),
        h_action=F("action"),
        h_actor=Cast("actor_id", models.BigIntegerField()),
        h_what=_text(""),
        h_url=_text(""),
        h_via=_text(""),
        h_source=_text("service"),
        h_summary=Case(When(private, then=_text("")), default=F("summary")),
        h_changes=Case(When(masked, then=_no_changes()), default=F("changes")),
    ).filter(organisation_id__in=organisations)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.record_type:
        qs = qs.filter(object_type=filters.record_type)
    if filters.user_id:
        qs = qs.filter(actor_id=filters.user_id)
    return _in_window(qs, "at", filters).order_by().values(*COLUMNS)


def audit_rows(user, filters: AuditFilters | None) -> models.QuerySet:
    """The filtered rows `user` may see, newest first (dicts keyed by COLUMNS). No filters
    (None: the filters given were wrong) gives no rows."""
    organisations = sorted(audit_organisation_ids(user))
    parts = []
    if filters is None:
        return _read_part(organisations, AuditFilters()).none()
    if filters.action in ("", "read"):
        parts.append(_read_part(organisations, filters))
    if filters.action == "" or filters.action in SERVICE_ACTIONS:
        parts.append(_service_part(organisations, filters, user))
    if filters.action == "" or filters.action in ("insert", "update", "delete"):
        parts += [
            _event_part(model, organisations, filters)
            for model in event_models()
            if not filters.record_type
            or model.pgh_tracked_model._meta.label_lower == filters.record_type
        ]
    if not organisations or not parts:
        return _read_part(organisations, AuditFilters()).none()
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-h_at", "-h_seq", "h_type")


@dataclass
class AuditRow:
    at: datetime.datetime
    organisation: str
    user: str
    action: str
    record_type: str
    record_id: str
    what: str
    url: str
    via: str
    summary: str = ""
    changes: str = ""
    private: bool = False


def _changes_text(changes) -> str:
    """{"field": [before, after], ...} as "field: before → after; ..." for a reader."""
    if not changes:
        return ""
    if not isinstance(changes, dict):
        return str(changes)
    parts = []
    for name, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            before, after = ("—" if v in (None, "") else v for v in value)
            parts.append(f"{name}: {before} → {after}")
        else:
            parts.append(f"{name}: {value}")
    return "; ".join(parts)


def describe(rows) -> Iterator[AuditRow]:
    """Plain-English rows for the page and the export: names looked up once per batch."""
    rows = list(rows)
    types = record_types()
    whats = dict(ReadLogEntry.What.choices)
    actor_ids = {row["h_actor"] for row in rows if row["h_actor"]}
    users = {
        u.pk: u for u in get_user_model().objects.filter(pk__in=actor_ids).select_related("person")
    }
    orgs = dict(
        Organisation.objects.filter(pk__in={row["h_org"] for row in rows}).values_list("pk", "name")
    )
    for row in rows:
        actor = users.get(row["h_actor"])
        if actor is not None:
            person = getattr(actor, "person", None)
            who = f"{person.full_name} ({actor.get_username()})" if person else actor.get_username()
        elif row["h_actor"]:
            who = f"Login #{row['h_actor']}"
        elif row["h_via"] or row["h_source"] == "service":
            who = "The system"
        else:
            who = "Unknown (outside the app)"
        private = row["h_source"] == "service" and row["h_type"] in PRIVATE_AUDIT_TYPES
        yield AuditRow(
            at=timezone.localtime(row["h_at"]),
            organisation=orgs.get(row["h_org"], ""),
            user=who,
            action=action_label(row["h_action"]),
            record_type=types.get(row["h_type"], row["h_type"]),
            record_id=row["h_object"] or "",
            what=whats.get(row["h_what"], ""),
            url=row["h_url"] or "",
            via=row["h_via"] or "",
            summary="" if private else row["h_summary"] or "",
            changes="" if private else _changes_text(row["h_changes"]),
            private=private,
        )

"""Reads for the audit page: row history and the read log as one list, newest first.

Every event model and the read log are queried with the same columns and joined with
UNION ALL in the database, each part already limited to the organisations the user may
audit and to the filters, so paging and the CSV export read exactly the rows asked for.
The columns are who, what and when: never a snapshot's values, so never private text.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import F, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from workforce.history.models import ReadLogEntry, event_models
from workforce.history.rules import audit_organisation_ids
from workforce.models import Organisation

ACTIONS = {
    "insert": "Created",
    "update": "Changed",
    "delete": "Deleted",
    "read": "Opened",
}
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
)


@dataclass(frozen=True)
class AuditFilters:
    start: datetime.date | None = None
    end: datetime.date | None = None
    user_id: int | None = None
    record_type: str = ""
    action: str = ""


def record_types() -> dict[str, str]:
    """{model label: plain name} of every record with history, e.g. "workforce.person"."""
    types = {}
    for model in event_models():
        tracked = model.pgh_tracked_model._meta
        types[tracked.label_lower] = str(tracked.verbose_name).capitalize()
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
    ).filter(organisation_id__in=organisations)
    if filters.record_type:
        qs = qs.filter(object_type=filters.record_type)
    if filters.user_id:
        qs = qs.filter(user_id=filters.user_id)
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
    if filters.action != "read":
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
        else:
            who = "The system" if row["h_via"] else "Unknown (outside the app)"
        yield AuditRow(
            at=timezone.localtime(row["h_at"]),
            organisation=orgs.get(row["h_org"], ""),
            user=who,
            action=ACTIONS.get(row["h_action"], row["h_action"]),
            record_type=types.get(row["h_type"], row["h_type"]),
            record_id=row["h_object"] or "",
            what=whats.get(row["h_what"], ""),
            url=row["h_url"] or "",
            via=row["h_via"] or "",
        )

"""Supervision in the admin is for looking, not changing, and shows metadata only.

Writes go through supervision.services (checked and audited). Private notes, topics, the
reason for a dispute and action text are never shown, listed, filtered or searched here,
whoever asks: administrators see that a session happened, not what was said. Rows are the
administrator's organisations' (workforce/adminscope.py).
"""

from django.contrib import admin

from supervision.models import (
    SessionAction,
    SessionNote,
    SessionSupervisee,
    SupervisionDue,
    SupervisionSession,
)
from workforce.organisations.adminscope import ScopedAdmin

PRIVATE = "Private to the people in the session: not shown here."


@admin.register(SupervisionSession)
class SupervisionSessionAdmin(ScopedAdmin):
    organisation_path = "organisation"
    fields = [
        "organisation",
        "date",
        "kind",
        "format",
        "minutes",
        "status",
        "supervisor",
        "logged_by",
        "logged_at",
        "confirmed_by",
        "confirmed_at",
        "disputed_by",
        "disputed_at",
        "withdrawn_at",
    ]
    list_display = ["date", "kind", "format", "minutes", "status", "supervisor", "organisation"]
    list_filter = ["status", "kind", "format", "organisation"]
    list_select_related = ["supervisor", "organisation"]
    search_fields = ["supervisor__username"]
    date_hierarchy = "date"


@admin.register(SessionSupervisee)
class SessionSuperviseeAdmin(ScopedAdmin):
    organisation_path = "session__organisation"
    fields = ["session", "person", "supervisor", "date", "kind", "answer", "answered_at"]
    list_display = ["person", "session", "date", "kind"]
    list_filter = ["kind"]
    list_select_related = ["person", "session"]
    search_fields = ["person__full_name"]


@admin.register(SessionNote)
class SessionNoteAdmin(ScopedAdmin):
    """Only that a session has a notes record: never its topics or text."""

    organisation_path = "session__organisation"
    fields = ["session", "private"]
    list_display = ["session"]
    list_select_related = ["session"]

    def get_queryset(self, request):
        # Never even load the private columns.
        return super().get_queryset(request).only("pk", "session")

    @admin.display(description="notes and topics")
    def private(self, note):
        return PRIVATE


@admin.register(SessionAction)
class SessionActionAdmin(ScopedAdmin):
    """That an action exists, whose it is and whether it is done: never what it says."""

    organisation_path = "session__organisation"
    fields = ["session", "owner", "due_date", "done_at", "done_by", "private"]
    list_display = ["pk", "session", "owner", "due_date", "done_at"]
    list_select_related = ["session", "owner"]
    list_filter = ["due_date"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("text")

    @admin.display(description="action")
    def private(self, action):
        return PRIVATE


@admin.register(SupervisionDue)
class SupervisionDueAdmin(ScopedAdmin):
    """Kept by database triggers (migration 0004), which refuse any other write: here to
    explain a compliance figure, never to change one."""

    organisation_path = "person__organisation"
    fields = ["assignment", "person", "kind", "days", "minutes", "last_confirmed", "required_since"]
    list_display = ["person", "kind", "last_confirmed", "required_since", "days"]
    list_filter = ["kind"]
    list_select_related = ["person"]
    search_fields = ["person__full_name"]

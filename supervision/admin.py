"""Supervision in the admin is for looking, not changing, and shows metadata only.

Writes go through supervision.services (checked and audited). Private notes, topics and
action text are never shown, listed or searched here, even for superusers: the admin must
not be a way round "leads and administrators see that a session happened, not what was
said". Their admin classes list only that a record exists.
"""

from django.contrib import admin

from supervision.models import SessionAction, SessionNote, SessionSupervisee, SupervisionSession


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuperviseeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SessionSupervisee
    fields = ["person"]
    extra = 0


@admin.register(SupervisionSession)
class SupervisionSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "format", "minutes", "status", "supervisor", "organisation"]
    list_filter = ["status", "kind", "format", "organisation"]
    list_select_related = ["supervisor", "organisation"]
    search_fields = ["supervisor__username", "supervisee_links__person__full_name"]
    date_hierarchy = "date"
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
        "dispute_reason",
    ]
    readonly_fields = fields
    inlines = [SuperviseeInline]


@admin.register(SessionSupervisee)
class SessionSuperviseeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["person", "session", "date", "kind"]
    list_filter = ["kind"]
    list_select_related = ["person", "session"]
    search_fields = ["person__full_name"]
    fields = ["session", "person", "supervisor", "date", "kind"]
    readonly_fields = fields


@admin.register(SessionNote)
class SessionNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Only that a session has a notes record: never its topics or text."""

    list_display = ["session"]
    list_select_related = ["session"]
    fields = ["session", "private"]
    readonly_fields = fields
    # No search_fields: a search would reveal notes by matching them.

    def get_queryset(self, request):
        # Never even load the private columns.
        return super().get_queryset(request).only("session")

    @admin.display(description="notes and topics")
    def private(self, note):
        return "Private to the people in the session: not shown here."


@admin.register(SessionAction)
class SessionActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """That an action exists, whose it is and whether it is done: never what it says."""

    list_display = ["pk", "session", "owner", "due_date", "done_at"]
    list_select_related = ["session", "owner"]
    list_filter = ["due_date"]
    fields = ["session", "owner", "due_date", "done_at", "done_by", "private"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("text")

    @admin.display(description="action")
    def private(self, action):
        return "Private to the people in the session: not shown here."

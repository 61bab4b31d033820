from django.contrib import admin

from workforce.audit import PRIVATE_AUDIT_TYPES
from workforce.models import (
    Assignment,
    AuditEntry,
    DiversityProfile,
    FiguresVersion,
    Membership,
    Organisation,
    Person,
    Team,
    TrainingRecord,
    WellbeingPlan,
)


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]
    list_select_related = ["organisation"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "preferred_name", "organisation", "email", "status"]
    list_filter = ["organisation", "status", "engagement_type"]
    search_fields = ["full_name", "preferred_name", "email"]
    list_select_related = ["organisation"]
    raw_id_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "capacity"]
    list_filter = ["organisation", "capacity"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "organisation"]
    raw_id_fields = ["user"]

    # Ending a membership here goes through the service, so a login's last one ending
    # switches the login off and ends its sessions, audited, as everywhere else.
    def delete_model(self, request, obj):
        from workforce.services import membership_end

        membership_end(membership=obj, by=request.user, reason="removed in the admin site")

    def delete_queryset(self, request, queryset):
        from workforce.services import memberships_end

        for user_id in set(queryset.values_list("user_id", flat=True)):
            rows = list(queryset.filter(user_id=user_id).select_related("user"))
            memberships_end(
                user=rows[0].user,
                memberships=rows,
                by=request.user,
                reason="removed in the admin site",
            )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only, in the admin as in the database."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "summary"]
    fields = [
        "at",
        "actor",
        "organisation",
        "action",
        "object_type",
        "object_id",
        "summary",
        "visible_changes",
    ]
    readonly_fields = fields
    list_filter = ["action", "organisation"]
    search_fields = ["action", "object_type", "object_id", "summary"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="changes")
    def visible_changes(self, entry):
        if entry.object_type in PRIVATE_AUDIT_TYPES:
            return "Private: shown only on the person's own pages, to those allowed to see them."
        return entry.changes


class PrivateToThePersonAdmin(admin.ModelAdmin):
    """Wellbeing plans and diversity answers are private to the person (and, for the plan,
    their supervisor and co-production leads). The admin must not be a way round that, even
    for superusers: it shows only that a record exists and when it changed, never its
    contents, and nothing can be added, changed or deleted here (changes go through the
    services, which audit them).
    """

    list_display = ["person", "updated_at"]
    list_select_related = ["person"]
    fields = ["person", "updated_at"]
    readonly_fields = fields
    search_fields = ["person__full_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(WellbeingPlan, PrivateToThePersonAdmin)
admin.site.register(DiversityProfile, PrivateToThePersonAdmin)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Assignments and training records change only through the app's pages, whose services
    check the rules and write the audit trail; here they can be looked up, not edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["person", "role_version", "team", "supervisor", "start_date", "end_date"]
    list_filter = ["team__organisation"]
    search_fields = ["person__full_name", "role_version__title"]
    list_select_related = ["person", "role_version", "team", "supervisor"]
    date_hierarchy = "start_date"


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ReadOnlyAdmin):
    list_display = ["person", "requirement", "completed_on", "expires_on"]
    search_fields = ["person__full_name", "requirement__item"]
    list_select_related = ["person", "requirement"]
    date_hierarchy = "completed_on"


@admin.register(FiguresVersion)
class FiguresVersionAdmin(ReadOnlyAdmin):
    """Raised by database triggers only (workforce/figures.py); shown to help explain why a
    figure was or was not counted afresh."""

    list_display = ["topic", "version"]

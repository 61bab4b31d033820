from django.contrib import admin

from workforce.models import AuditEntry, Membership, Organisation, Person, Team


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
    list_display = ["full_name", "preferred_name", "organisation", "email"]
    list_filter = ["organisation"]
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


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only, in the admin as in the database."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "summary"]
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

from django.contrib import admin

from workforce.models import Membership, Organisation, Person, Team


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

"""Roles in the admin are for looking, not changing: every write goes through
roles.services so it is checked and audited, and published versions are immutable in the
database anyway (a change would only fail there)."""

from django.contrib import admin

from roles.models import (
    EscalationStep,
    ProgressionRoute,
    Role,
    RoleDuty,
    RoleExclusion,
    RoleVersion,
    SupervisionRequirement,
    TrainingRequirement,
)


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RoleVersion
    fields = ["number", "status", "title", "published_at", "retired_at"]
    extra = 0
    show_change_link = True


@admin.register(Role)
class RoleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "family", "organisation", "created_at"]
    list_filter = ["family", "organisation"]
    list_select_related = ["organisation"]
    inlines = [VersionInline]


def _item_inline(item_model):
    return type(
        f"{item_model.__name__}Inline",
        (ReadOnlyAdminMixin, admin.TabularInline),
        {"model": item_model, "extra": 0},
    )


ITEM_MODELS = [
    RoleDuty,
    RoleExclusion,
    SupervisionRequirement,
    EscalationStep,
    TrainingRequirement,
    ProgressionRoute,
]


@admin.register(RoleVersion)
class RoleVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "number", "status", "role", "published_at", "retired_at"]
    list_filter = ["status", "role__family", "role__organisation"]
    search_fields = ["title"]
    list_select_related = ["role__organisation"]
    inlines = [_item_inline(model) for model in ITEM_MODELS]


for _model in ITEM_MODELS:
    admin.site.register(
        _model,
        type(
            f"{_model.__name__}Admin",
            (ReadOnlyAdminMixin, admin.ModelAdmin),
            {
                "list_display": ["__str__", "version", "position"],
                "list_select_related": ["version"],
            },
        ),
    )

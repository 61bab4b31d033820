"""Roles in the admin are for looking, not changing: every write goes through
roles.services so it is checked and audited, and published versions are immutable in the
database anyway. Rows are the administrator's organisations' (workforce/adminscope.py)."""

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
from workforce.organisations.adminscope import ScopedAdmin


@admin.register(Role)
class RoleAdmin(ScopedAdmin):
    organisation_path = "organisation"
    fields = ["family", "organisation", "created_at"]
    list_display = ["pk", "family", "organisation", "created_at"]
    list_filter = ["family", "organisation"]
    list_select_related = ["organisation"]


@admin.register(RoleVersion)
class RoleVersionAdmin(ScopedAdmin):
    organisation_path = "role__organisation"
    fields = ["title", "number", "status", "role", "published_at", "retired_at"]
    list_display = ["title", "number", "status", "role", "published_at", "retired_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    list_select_related = ["role__organisation"]


ITEM_MODELS = [
    RoleDuty,
    RoleExclusion,
    SupervisionRequirement,
    EscalationStep,
    TrainingRequirement,
    ProgressionRoute,
]

for _model in ITEM_MODELS:
    admin.site.register(
        _model,
        type(
            f"{_model.__name__}Admin",
            (ScopedAdmin,),
            {
                "organisation_path": "version__role__organisation",
                "fields": ["version", "position"],
                "list_display": ["__str__", "version", "position"],
                "list_select_related": ["version"],
            },
        ),
    )

"""Incidents in the Django admin: for looking up that something happened, never what.

Why no narrative here: the admin is for administrators, whose access to incidents is "audit
only"; the narrative (and every other free text: step notes, corrections, learning, action
descriptions, referral references, the reason for hiding an incident from the worker) is
for the reporter, the worker's supervisor and the organisation's leads alone. The admin
does not filter rows by organisation either, so showing text here would show it across
organisations. So every admin below lists only codes, dates and who, `fields` never names a
free-text column, and nothing can be added, changed or deleted: every write goes through
the services, which check the workflow and keep the chronology. Anyone holding a finance
capacity is refused these pages outright, superuser or not ("finance never").
"""

from django.contrib import admin

from supervision.incidents.models import (
    Incident,
    IncidentAction,
    IncidentEvent,
    IncidentNotice,
    IncidentPolicy,
    IncidentRecurrence,
    IncidentReferral,
)
from workforce import access
from workforce.models import Capacity


class MetadataOnlyAdmin(admin.ModelAdmin):
    def _allowed(self, request) -> bool:
        return not access.has_capacity(request.user, Capacity.FINANCE)

    def has_module_permission(self, request):
        return self._allowed(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(MetadataOnlyAdmin):
    # No narrative, told_whom, learning, no_referral_reason or worker_restricted_reason.
    fields = [
        "organisation",
        "person",
        "reported_by",
        "reported_at",
        "occurred_on",
        "category",
        "severity",
        "safeguarding",
        "is_recurrence",
        "state",
        "triage_due_at",
        "triaged_at",
        "triage_decision",
        "escalated_at",
        "escalated_to",
        "acknowledge_due_at",
        "acknowledged_at",
        "reviewed_at",
        "closed_at",
        "outcome",
        "worker_restricted",
    ]
    list_display = ["__str__", "organisation", "category", "severity", "state", "reported_at"]
    list_filter = ["state", "severity", "category", "organisation"]
    list_select_related = ["organisation"]
    date_hierarchy = "reported_at"


@admin.register(IncidentEvent)
class IncidentEventAdmin(MetadataOnlyAdmin):
    # No summary (it names people), detail, before or after.
    fields = ["incident", "kind", "at", "actor"]
    list_display = ["incident", "kind", "at", "actor"]
    list_filter = ["kind"]
    list_select_related = ["incident", "actor"]


@admin.register(IncidentAction)
class IncidentActionAdmin(MetadataOnlyAdmin):
    fields = ["incident", "owner", "due_on", "created_at", "created_by", "done_at", "done_by"]
    list_display = ["__str__", "owner", "due_on", "done_at"]
    list_select_related = ["incident", "owner"]


@admin.register(IncidentReferral)
class IncidentReferralAdmin(MetadataOnlyAdmin):
    fields = ["incident", "agency", "referred_on", "recorded_at", "recorded_by"]
    list_display = ["incident", "agency", "referred_on"]
    list_select_related = ["incident"]


@admin.register(IncidentRecurrence)
class IncidentRecurrenceAdmin(MetadataOnlyAdmin):
    list_display = ["incident", "earlier"]
    list_select_related = ["incident", "earlier"]


@admin.register(IncidentPolicy)
class IncidentPolicyAdmin(MetadataOnlyAdmin):
    # Leads set deadlines on the incident pages (audited); here they can only be read.
    list_display = [
        "organisation",
        "triage_working_days",
        "acknowledge_hours",
        "acknowledge_urgent_hours",
        "updated_at",
    ]
    list_select_related = ["organisation"]


@admin.register(IncidentNotice)
class IncidentNoticeAdmin(MetadataOnlyAdmin):
    fields = ["kind", "incident", "action", "recipient", "created_at", "sent_at", "failure"]
    list_display = ["kind", "incident", "recipient", "created_at", "sent_at", "failure"]
    list_filter = ["kind"]
    list_select_related = ["incident", "recipient"]

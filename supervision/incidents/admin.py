"""Incidents in the Django admin: for looking up that something happened, never what.

Why so little here: the admin is for administrators, whose access to incidents is "audit
only". Who the incident is about, its classification, the narrative and every other free
text (step notes, corrections, learning, action descriptions, referral references, the
reason for hiding an incident from the worker) are for the reporter, the worker's
supervisor and the organisation's leads alone, and a safeguarding lead may restrict an
incident further. So every admin below lists only states, dates and who did each step,
`fields` (the allow-list of workforce/adminscope.py) never names the rest, and nothing can
be added, changed or deleted: every write goes through the services, which check the
workflow and keep the chronology. Anyone holding a finance capacity is refused these pages
outright ("finance never").
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
from workforce.adminscope import ScopedAdmin
from workforce.models import Capacity


class MetadataOnlyAdmin(ScopedAdmin):
    organisation_path = "incident__organisation"

    def _allowed(self, request) -> bool:
        return not access.has_capacity(request.user, Capacity.FINANCE)

    def has_module_permission(self, request):
        return self._allowed(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and super().has_view_permission(request, obj)


@admin.register(Incident)
class IncidentAdmin(MetadataOnlyAdmin):
    organisation_path = "organisation"
    fields = [
        "organisation",
        "reported_by",
        "reported_at",
        "state",
        "triage_due_at",
        "triaged_at",
        "escalated_at",
        "escalated_to",
        "acknowledge_due_at",
        "acknowledged_at",
        "reviewed_at",
        "closed_at",
        "worker_restricted",
    ]
    list_display = ["__str__", "organisation", "state", "reported_at"]
    list_filter = ["state", "organisation"]
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
    fields = ["incident", "earlier"]
    list_display = ["incident", "earlier"]
    list_select_related = ["incident", "earlier"]


@admin.register(IncidentPolicy)
class IncidentPolicyAdmin(MetadataOnlyAdmin):
    # Leads set deadlines on the incident pages (audited); here they can only be read.
    organisation_path = "organisation"
    fields = [
        "organisation",
        "triage_working_days",
        "acknowledge_hours",
        "acknowledge_urgent_hours",
        "updated_at",
    ]
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

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

An incident restricted to safeguarding leads (Caldicott: need to know) shows even less: that
it exists, its state and dates, not who reported it or whom it went to; its steps, actions,
referrals, recurrence links and notices are not listed at all.
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
from workforce.organisations import access
from workforce.organisations.adminscope import ScopedAdmin
from workforce.organisations.models import Capacity


class MetadataOnlyAdmin(ScopedAdmin):
    organisation_path = "incident__organisation"

    def _allowed(self, request) -> bool:
        return not access.has_capacity(request.user, Capacity.FINANCE)

    def has_module_permission(self, request):
        return self._allowed(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and super().has_view_permission(request, obj)

    def get_queryset(self, request):
        # The rows of a restricted incident say who did what to it, and when.
        return super().get_queryset(request).filter(incident__leads_only_at__isnull=True)


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
        "leads_only_at",
    ]
    # People named on the row: not shown on a restricted one (need to know).
    PEOPLE = ("reported_by", "escalated_to")
    list_display = ["__str__", "organisation", "state", "reported_at", "leads_only_at"]
    list_filter = ["state", "organisation"]
    list_select_related = ["organisation"]
    date_hierarchy = "reported_at"

    def get_queryset(self, request):
        return super(MetadataOnlyAdmin, self).get_queryset(request)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.is_leads_only:
            return [name for name in fields if name not in self.PEOPLE]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


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

    def get_queryset(self, request):
        return super().get_queryset(request).filter(earlier__leads_only_at__isnull=True)


@admin.register(IncidentPolicy)
class IncidentPolicyAdmin(MetadataOnlyAdmin):
    # Leads set deadlines on the incident pages (audited); here they can only be read.
    organisation_path = "organisation"

    def get_queryset(self, request):
        return super(MetadataOnlyAdmin, self).get_queryset(request)

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

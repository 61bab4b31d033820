"""The register, logins and the audit trail in the Django admin: for looking things up.

Every admin here is a ScopedAdmin (workforce/adminscope.py): an administrator sees only the
rows of their own organisations, and `fields` names everything that may be read, filtered or
searched. Nothing is changed here: people, capacities and the rest change on the app's
audited pages, and only an installation operator may add an organisation or a team.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from procrastinate.contrib.django.models import ProcrastinateJob

from workforce.organisations.adminscope import ScopedAdmin
from workforce.organisations.models import Membership, Organisation, Team
from workforce.platform.audit import PRIVATE_AUDIT_TYPES
from workforce.platform.models import (
    AuditEntry,
    FiguresVersion,
    OutboundEmail,
    PasswordResetRequest,
    RetentionPeriod,
)
from workforce.register.models import (
    Assignment,
    DiversityProfile,
    Person,
    TrainingRecord,
    TrainingReminder,
    WellbeingPlan,
)
from workforce.register.services import organisation_set_up

# Capacities come from memberships, never from Django's groups and permissions; an
# authenticator's secret is shown to nobody but its owner, once, when it is set up.
for _model in (Group, TOTPDevice, get_user_model()):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

# The job queue's rows name no organisation, so no scoped admin could show them: operators
# use `manage.py procrastinate` (docs/deployment.md, "The worker").
if admin.site.is_registered(ProcrastinateJob):
    admin.site.unregister(ProcrastinateJob)


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    organisation_path = "pk"
    installation_wide = True
    operator_writable = ("name", "kind", "nation")
    fields = ["name", "kind", "nation", "created_at"]
    list_display = ["name", "kind", "nation"]
    list_filter = ["kind", "nation"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        # Setting an organisation up is audited like every other write; the admin's add view
        # runs this inside its transaction.
        organisation_set_up(organisation=obj, by=request.user)


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    organisation_path = "organisation"
    installation_wide = True
    operator_writable = ("organisation", "name", "description")
    fields = ["organisation", "name", "description"]
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]
    list_select_related = ["organisation"]


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    organisation_path = "organisation"
    fields = [
        "full_name",
        "preferred_name",
        "organisation",
        "email",
        "engagement_type",
        "status",
        "start_date",
        "end_date",
        "user",
    ]
    list_display = ["full_name", "preferred_name", "organisation", "email", "status"]
    list_filter = ["organisation", "status", "engagement_type"]
    search_fields = ["full_name", "preferred_name", "email"]
    list_select_related = ["organisation"]


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    """Capacities are given and ended on the organisation's own page (audited there)."""

    organisation_path = "organisation"
    fields = ["user", "organisation", "capacity", "created_at"]
    list_display = ["user", "organisation", "capacity", "created_at"]
    list_filter = ["organisation", "capacity"]
    search_fields = ["user__username"]
    list_select_related = ["user", "organisation"]


@admin.register(get_user_model())
class LoginAdmin(ScopedAdmin):
    """Logins of the administrator's organisations, without their password hashes; a
    password is set by its owner through the emailed link, never here."""

    organisation_path = "memberships__organisation"
    installation_wide = True
    fields = ["username", "email", "is_active", "is_staff", "last_login", "date_joined"]
    list_display = ["username", "email", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["username", "email"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    """The audit trail is append-only, in the admin as in the database; /audit/ is its page."""

    organisation_path = "organisation"
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
    list_display = ["at", "actor", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "organisation"]
    search_fields = ["action", "object_type", "object_id"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    @admin.display(description="changes")
    def visible_changes(self, entry):
        if entry.object_type in PRIVATE_AUDIT_TYPES:
            return "Private: shown only on the person's own pages, to those allowed to see them."
        if _restricted_incident_entry(entry):
            return "Restricted to safeguarding leads: only that it happened is shown."
        return entry.changes


def _restricted_incident_entry(entry: AuditEntry) -> bool:
    """An entry about an incident restricted to safeguarding leads (Caldicott), other than the
    restriction's own entries (their reason is written for the audit trail): its changes say
    what the incident is about, so the admin, which is not theirs, does not show them."""
    incident = apps.get_model("incidents", "Incident")
    if entry.object_type != incident._meta.label_lower or entry.action in (
        "incident.leads_only",
        "incident.leads_only_lifted",
    ):
        return False
    return incident.objects.filter(pk=entry.object_id, leads_only_at__isnull=False).exists()


class PrivateToThePersonAdmin(ScopedAdmin):
    """Wellbeing plans and diversity answers are private to the person (and, for the plan,
    their supervisor and co-production leads): the admin shows only that a record exists
    and when it changed, and never loads the answers."""

    organisation_path = "person__organisation"
    fields = ["person", "updated_at"]
    list_display = ["person", "updated_at"]
    list_select_related = ["person"]

    def get_queryset(self, request):
        return super().get_queryset(request).only("pk", "person", "updated_at")


admin.site.register(WellbeingPlan, PrivateToThePersonAdmin)
admin.site.register(DiversityProfile, PrivateToThePersonAdmin)


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdmin):
    organisation_path = "person__organisation"
    fields = ["person", "role_version", "team", "supervisor", "start_date", "end_date"]
    list_display = ["person", "role_version", "team", "supervisor", "start_date", "end_date"]
    list_filter = ["team"]
    search_fields = ["person__full_name"]
    list_select_related = ["person", "role_version", "team", "supervisor"]
    date_hierarchy = "start_date"


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ScopedAdmin):
    organisation_path = "person__organisation"
    fields = ["person", "requirement", "completed_on", "expires_on"]
    list_display = ["person", "requirement", "completed_on", "expires_on"]
    search_fields = ["person__full_name"]
    list_select_related = ["person", "requirement"]
    date_hierarchy = "completed_on"


@admin.register(TrainingReminder)
class TrainingReminderAdmin(ScopedAdmin):
    """What send_reminders sent about training, and why any was not sent."""

    organisation_path = "record__person__organisation"
    fields = ["record", "kind", "recipient", "due_on", "created_at", "sent_at", "failure"]
    list_display = ["record", "kind", "recipient", "due_on", "sent_at", "failure"]
    list_filter = ["kind"]
    list_select_related = ["record__person", "record__requirement", "recipient"]
    date_hierarchy = "due_on"


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(ScopedAdmin):
    """Set with `manage.py retention_period` (audited); looked up here."""

    organisation_path = "organisation"
    fields = ["organisation", "record_type", "months", "updated_at"]
    list_display = ["organisation", "record_type", "months", "updated_at"]
    list_filter = ["organisation", "record_type"]
    list_select_related = ["organisation"]


@admin.register(PasswordResetRequest)
class PasswordResetRequestAdmin(ScopedAdmin):
    """Counted by the reset limits (workforce/services/credentials.py): for installation
    operators, to see when a client was held back. The address is only ever a hash."""

    installation_wide = True
    fields = ["client", "at"]
    list_display = ["client", "at"]
    date_hierarchy = "at"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ScopedAdmin):
    """Emails queued for the worker (workforce/platform/mail.py): for installation operators,
    to see whether one is still waiting and why. Read only; the text is not shown."""

    installation_wide = True
    fields = ["to", "subject", "created_at", "sent_at", "attempts", "last_error"]
    list_display = ["created_at", "to", "subject", "sent_at", "attempts"]
    date_hierarchy = "created_at"


@admin.register(FiguresVersion)
class FiguresVersionAdmin(ScopedAdmin):
    """Raised by database triggers only (workforce/figures.py); for installation operators,
    to help explain why a figure was or was not counted afresh."""

    installation_wide = True
    fields = ["topic", "organisation_number", "version"]
    list_display = ["topic", "organisation_number", "version"]


# The sign-in lockout log (django-axes) names logins and addresses of every organisation:
# installation operators only. Lockouts are lifted with `manage.py axes_reset_username`.
for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class LockoutLogAdmin(ScopedAdmin):
    installation_wide = True
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"


# Each of django-axes' three logs: who, from where, when, and the one column it adds.
for _model, _column in (
    (AccessAttempt, "failures_since_start"),
    (AccessLog, "logout_time"),
    (AccessFailureLog, "locked_out"),
):
    _columns = ["username", "ip_address", "attempt_time", _column]
    admin.site.register(
        _model,
        type(
            f"{_model.__name__}Admin",
            (LockoutLogAdmin,),
            {"fields": _columns, "list_display": _columns},
        ),
    )

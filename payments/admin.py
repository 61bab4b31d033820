"""Payments in the admin are for looking up, never changing: claims, cards, limits and
batches change only through payments.services (checked and audited; the database refuses
the rest anyway). Rows are the administrator's organisations' (workforce/adminscope.py);
benefits notes and whether someone receives benefits stay on the app's own pages."""

from django.contrib import admin

from payments.models import (
    Activity,
    Batch,
    BatchLine,
    BenefitsThreshold,
    Claim,
    ExpenseLine,
    PaymentDiscussion,
    PaymentPolicy,
    PaymentPreference,
    RateCard,
    RateCardTier,
)
from workforce.organisations.adminscope import ScopedAdmin


@admin.register(RateCard)
class RateCardAdmin(ScopedAdmin):
    organisation_path = "organisation"
    fields = ["name", "organisation", "effective_from"]
    list_display = ["name", "organisation", "effective_from"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]


@admin.register(RateCardTier)
class RateCardTierAdmin(ScopedAdmin):
    organisation_path = "card__organisation"
    fields = [
        "card",
        "tier",
        "unit",
        "fee",
        "description",
        "minutes_over",
        "minutes_up_to",
        "preparation_from",
        "preparation_to",
        "note",
    ]
    list_display = ["card", "tier", "unit", "fee"]
    list_select_related = ["card"]


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    organisation_path = "organisation"
    fields = ["title", "date", "organisation", "team", "cost_code"]
    list_display = ["title", "date", "organisation", "team", "cost_code"]
    list_filter = ["organisation"]
    search_fields = ["title", "cost_code"]
    list_select_related = ["organisation", "team"]
    date_hierarchy = "date"


@admin.register(Claim)
class ClaimAdmin(ScopedAdmin):
    organisation_path = "organisation"
    fields = [
        "person",
        "activity_date",
        "tier",
        "unit",
        "quantity",
        "fee_payable",
        "state",
        "organisation",
    ]
    list_display = ["__str__", "person", "activity_date", "tier", "fee_payable", "state"]
    list_filter = ["state", "organisation"]
    search_fields = ["person__full_name"]
    list_select_related = ["person"]
    date_hierarchy = "activity_date"


@admin.register(ExpenseLine)
class ExpenseLineAdmin(ScopedAdmin):
    # The receipt itself is served only through the access-checked payments:receipt view.
    organisation_path = "claim__organisation"
    fields = ["claim", "kind", "amount", "receipt_type"]
    list_display = ["claim", "kind", "amount", "receipt_type"]
    list_filter = ["kind"]
    list_select_related = ["claim"]


@admin.register(Batch)
class BatchAdmin(ScopedAdmin):
    organisation_path = "organisation"
    fields = ["organisation", "cut_off", "cost_code", "created_at"]
    list_display = ["__str__", "organisation", "cut_off", "cost_code", "created_at"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]


@admin.register(BatchLine)
class BatchLineAdmin(ScopedAdmin):
    organisation_path = "batch__organisation"
    fields = ["batch", "position", "claim", "payee_name"]
    list_display = ["batch", "position", "claim", "payee_name"]
    list_select_related = ["batch", "claim"]


@admin.register(PaymentPreference)
class PaymentPreferenceAdmin(ScopedAdmin):
    organisation_path = "person__organisation"
    fields = ["person", "method"]
    list_display = ["person", "method"]
    list_filter = ["method"]
    list_select_related = ["person"]


@admin.register(PaymentDiscussion)
class PaymentDiscussionAdmin(ScopedAdmin):
    organisation_path = "person__organisation"
    fields = ["person", "held_on", "held_with"]
    list_display = ["person", "held_on", "held_with"]
    list_select_related = ["person"]


@admin.register(BenefitsThreshold)
class BenefitsThresholdAdmin(ScopedAdmin):
    organisation_path = "organisation"
    fields = [
        "name",
        "organisation",
        "period",
        "amount",
        "hours_limit",
        "effective_from",
        "effective_until",
        "source",
    ]
    list_display = ["name", "organisation", "period", "amount", "effective_from", "effective_until"]
    list_filter = ["organisation", "period"]
    list_select_related = ["organisation"]


@admin.register(PaymentPolicy)
class PaymentPolicyAdmin(ScopedAdmin):
    """Changed only on the app's audited page (payments:policy)."""

    organisation_path = "organisation"
    fields = ["organisation", "correction_max_increase", "missing_payee_reference", "updated_at"]
    list_display = ["organisation", "correction_max_increase", "updated_at"]
    list_select_related = ["organisation"]

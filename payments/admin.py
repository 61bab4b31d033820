"""Admin for payments. Claims, expenses and batches are read-only here: they change only
through payments.services (and the database refuses the rest anyway)."""

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


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RateCardTierInline(admin.TabularInline):
    model = RateCardTier
    extra = 0


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin):
    """A card not yet used by any claim may be corrected here; one in use is refused by the
    database (enter a new card instead)."""

    list_display = ["name", "organisation", "effective_from"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    inlines = [RateCardTierInline]
    raw_id_fields = ["created_by"]


@admin.register(RateCardTier)
class RateCardTierAdmin(admin.ModelAdmin):
    list_display = ["card", "tier", "fee"]
    list_select_related = ["card"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "organisation", "team", "cost_code"]
    list_filter = ["organisation"]
    search_fields = ["title", "cost_code"]
    list_select_related = ["organisation", "team"]
    raw_id_fields = ["created_by"]
    date_hierarchy = "date"


class ExpenseLineInline(admin.TabularInline):
    model = ExpenseLine
    extra = 0
    fields = ["kind", "description", "amount", "receipt_name", "receipt_type"]
    readonly_fields = fields
    can_delete = False


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "person", "activity_date", "tier", "fee_payable", "state"]
    list_filter = ["state", "organisation", "payment_method"]
    search_fields = ["description", "person__full_name"]
    list_select_related = ["person"]
    date_hierarchy = "activity_date"
    inlines = [ExpenseLineInline]


@admin.register(ExpenseLine)
class ExpenseLineAdmin(ReadOnlyAdmin):
    list_display = ["claim", "kind", "amount", "receipt_type"]
    list_filter = ["kind"]
    list_select_related = ["claim"]
    # The receipt itself is served only through the access-checked payments:receipt view.
    exclude = ["receipt"]


class BatchLineInline(admin.TabularInline):
    model = BatchLine
    extra = 0
    fields = ["position", "claim", "payee_name", "payee_reference", "approved_by_name"]
    readonly_fields = fields
    can_delete = False


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "organisation", "cut_off", "cost_code", "created_at"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    inlines = [BatchLineInline]


@admin.register(BatchLine)
class BatchLineAdmin(ReadOnlyAdmin):
    list_display = ["batch", "position", "claim", "payee_name"]
    list_select_related = ["batch", "claim"]


@admin.register(PaymentPreference)
class PaymentPreferenceAdmin(ReadOnlyAdmin):
    """Preferences change through the app (which checks the discussion rule and audits)."""

    list_display = ["person", "method", "receives_benefits"]
    list_filter = ["method"]
    list_select_related = ["person"]


@admin.register(PaymentDiscussion)
class PaymentDiscussionAdmin(ReadOnlyAdmin):
    list_display = ["person", "held_on", "held_with"]
    list_select_related = ["person"]
    # Benefits notes are personal: shown in the app to the person and their leads only.
    exclude = ["benefits_considerations", "pay_schedule"]


@admin.register(BenefitsThreshold)
class BenefitsThresholdAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "period", "amount", "effective_from"]
    list_filter = ["organisation", "period"]
    list_select_related = ["organisation"]
    raw_id_fields = ["created_by"]


@admin.register(PaymentPolicy)
class PaymentPolicyAdmin(ReadOnlyAdmin):
    """Changed only on the app's audited page (payments:policy)."""

    list_display = ["organisation", "correction_max_increase", "updated_at"]
    list_select_related = ["organisation"]

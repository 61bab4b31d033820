from django.urls import path

from payments.views import claims, decide, finance, setup

app_name = "payments"

urlpatterns = [
    # The claimant's own pages.
    path("", claims.my_claims, name="my_claims"),
    path("claims/new/", claims.claim_create, name="claim_create"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim"),
    path("claims/<int:pk>/edit/", claims.claim_edit, name="claim_edit"),
    path("claims/<int:pk>/submit/", claims.claim_submit, name="claim_submit"),
    path("claims/<int:pk>/expenses/", claims.expense_add, name="expense_add"),
    path("expenses/<int:pk>/remove/", claims.expense_remove, name="expense_remove"),
    path("expenses/<int:pk>/receipt/", claims.receipt, name="receipt"),
    path("tier-suggestion/", claims.tier_suggestion, name="tier_suggestion"),
    path("preferences/", setup.my_preferences, name="my_preferences"),
    # Leads.
    path("approvals/", decide.approvals, name="approvals"),
    path("claims/<int:pk>/approve/", decide.claim_approve, name="claim_approve"),
    path("claims/<int:pk>/reject/", decide.claim_reject, name="claim_reject"),
    path("claims/<int:pk>/correct/", decide.claim_adjust, name="claim_adjust"),
    path("activities/", setup.activities, name="activities"),
    path("limits/", setup.thresholds, name="thresholds"),
    path("limits/<int:pk>/end/", setup.threshold_end, name="threshold_end"),
    path("people/<int:pk>/", setup.person_payments, name="person"),
    path("people/<int:pk>/discussions/", setup.discussion_create, name="discussion_create"),
    path("people/<int:pk>/preference/", setup.person_preference, name="person_preference"),
    # Finance.
    path("batches/", finance.batches, name="batches"),
    path("batches/new/", finance.batch_new, name="batch_new"),
    path("batches/<int:pk>/", finance.batch_detail, name="batch"),
    path("batches/<int:pk>/download.<str:fmt>", finance.batch_download, name="batch_download"),
    path("batches/<int:pk>/paid/", finance.batch_mark_paid, name="batch_paid"),
    path("claims/<int:pk>/paid/", finance.claim_mark_paid, name="claim_paid"),
    # Shared.
    path("totals/", finance.totals, name="totals"),
    path("rate-cards/", setup.rate_cards, name="rate_cards"),
    path("rate-cards/new/", setup.rate_card_create, name="rate_card_create"),
    path("policy/<int:pk>/", setup.payment_policy, name="policy"),
]

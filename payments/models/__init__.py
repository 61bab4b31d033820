from payments.models.batches import Batch, BatchLine
from payments.models.claims import Activity, Claim, ExpenseLine
from payments.models.people import (
    NEEDS_DISCUSSION,
    NO_FEE,
    BenefitsThreshold,
    PaymentDiscussion,
    PaymentMethod,
    PaymentPreference,
)
from payments.models.policy import DEFAULT_CORRECTION_MAX_INCREASE, PaymentPolicy
from payments.models.ratecards import NIHR_SEED_TIERS, RateCard, RateCardTier, seed_rows

__all__ = [
    "DEFAULT_CORRECTION_MAX_INCREASE",
    "NEEDS_DISCUSSION",
    "NIHR_SEED_TIERS",
    "seed_rows",
    "NO_FEE",
    "Activity",
    "Batch",
    "BatchLine",
    "BenefitsThreshold",
    "Claim",
    "ExpenseLine",
    "PaymentDiscussion",
    "PaymentMethod",
    "PaymentPolicy",
    "PaymentPreference",
    "RateCard",
    "RateCardTier",
]

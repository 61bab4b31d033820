from django.core.management import call_command

from payments.demo import DEMO_CARD
from payments.models import (
    Batch,
    BenefitsThreshold,
    Claim,
    PaymentMethod,
    PaymentPreference,
    RateCard,
)
from workforce.models import Organisation

TRUST = "Northshire Mental Health NHS Foundation Trust"


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Claim, Batch, RateCard, BenefitsThreshold, PaymentPreference)
    }


def test_demo_payments_cover_every_state_and_are_idempotent(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first

    trust = Organisation.objects.get(name=TRUST)
    for username in ("peer", "peer2"):
        states = set(
            Claim.objects.filter(person__user__username=username).values_list("state", flat=True)
        )
        assert len(states) >= 5, (username, states)
    every = set(Claim.objects.filter(organisation=trust).values_list("state", flat=True))
    assert every == set(Claim.State.values)

    # Two cards: the seed table, and a later one plainly labelled as a demo.
    cards = RateCard.objects.filter(organisation=trust).order_by("effective_from")
    assert cards.count() == 2
    assert "DEMO" in cards[1].name and cards[1].name == DEMO_CARD
    assert "not NIHR" in cards[1].name
    assert {c.rate_card_id for c in Claim.objects.filter(organisation=trust)} == {
        c.pk for c in cards
    }

    # One batch exported and paid, one exported and waiting.
    batches = list(Batch.objects.filter(organisation=trust).order_by("pk"))
    assert len(batches) == 2
    assert not Claim.objects.filter(batch_lines__batch=batches[0]).exclude(state="paid").exists()
    assert (
        not Claim.objects.filter(batch_lines__batch=batches[1]).exclude(state="exported").exists()
    )

    vouchers = PaymentPreference.objects.get(person__user__username="peer2")
    assert vouchers.method == PaymentMethod.VOUCHERS and vouchers.discussion is not None
    benefits = PaymentPreference.objects.get(person__user__username="peer")
    assert benefits.receives_benefits and benefits.thresholds.exists()

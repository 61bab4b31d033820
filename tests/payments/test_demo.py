from decimal import Decimal

from payments import demo as payments_demo
from payments.demo import NIHR_2025_FROM, NIHR_2025_NAME
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


def test_demo_payments_cover_every_state_and_are_idempotent(client, demo_seeded, settings):
    settings.DEBUG = True
    first = _counts()
    # Running the payments demo again (as every later seed_demo does) adds nothing.
    organisations = {org.name: org for org in Organisation.objects.all()}
    assert payments_demo.seed(organisations=organisations) == 0
    assert _counts() == first

    trust = Organisation.objects.get(name=TRUST)
    for username in ("peer", "peer2"):
        states = set(
            Claim.objects.filter(person__user__username=username).values_list("state", flat=True)
        )
        assert len(states) >= 5, (username, states)
    every = set(Claim.objects.filter(organisation=trust).values_list("state", flat=True))
    assert every == set(Claim.State.values)

    # Two cards: the seed table, and NIHR's from 16 December 2025 with its source, every
    # figure that could not be confirmed saying so on its row.
    cards = RateCard.objects.filter(organisation=trust).order_by("effective_from")
    assert cards.count() == 2
    nihr = cards[1]
    assert (nihr.name, nihr.effective_from) == (NIHR_2025_NAME, NIHR_2025_FROM)
    assert "https://" in nihr.source and "Not confirmed" in nihr.source
    rows = list(nihr.tiers.all())
    assert len(rows) == 7 and {r.fee for r in rows} >= {Decimal("13.80"), Decimal("495.00")}
    assert all(r.note.startswith("Not confirmed") for r in rows)
    assert {c.rate_card_id for c in Claim.objects.filter(organisation=trust)} == {nihr.pk}

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
    _every_page_renders(client)


def _every_page_renders(client):
    """A smoke test over realistic data: every list, every claim, batch and person page
    each demo login can reach answers 200."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from workforce.models import Person
    from workforce.organisations import access

    lists = [
        "payments:my_claims",
        "payments:claim_create",
        "payments:my_preferences",
        "payments:approvals",
        "payments:activities",
        "payments:thresholds",
        "payments:batches",
        "payments:batch_new",
        "payments:totals",
        "payments:rate_cards",
        "payments:rate_card_create",
    ]
    seen_claims = 0
    for username in ("peer", "peer2", "lead", "finance", "admin"):
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        for name in lists:
            status = client.get(reverse(name)).status_code
            assert status in (200, 403), (username, name, status)
        # Owners see every state of their own claims; the lead every submitted one.
        for claim in access.scoped(user, Claim) if username in ("peer", "peer2", "lead") else ():
            url = reverse("payments:claim", kwargs={"pk": claim.pk})
            assert client.get(url).status_code == 200, (username, url)
            seen_claims += 1
            for line in claim.expenses.filter(receipt=""):
                assert line.amount > 0
        for batch in access.scoped(user, Batch):
            for name in ("payments:batch", "payments:batch_paid"):
                assert client.get(reverse(name, kwargs={"pk": batch.pk})).status_code == 200
        for person in Person.objects.filter(payment_claims__isnull=False).distinct()[:2]:
            url = reverse("payments:person", kwargs={"pk": person.pk})
            expected = 200 if access.can(user, "view_payments", person) else (403, 404)
            assert client.get(url).status_code in (
                expected if isinstance(expected, tuple) else (expected,)
            )
    assert seen_claims > 20

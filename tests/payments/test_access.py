"""Who sees which payments rows (the access layer's scopes), beyond the URL matrix."""

from django.urls import reverse

from payments import rules, services
from payments.models import (
    Batch,
    BenefitsThreshold,
    Claim,
    ExpenseLine,
    PaymentDiscussion,
    PaymentPreference,
)
from tests.factories import BenefitsThresholdFactory, make_login
from workforce.models import Capacity as C
from workforce.organisations import access

S = Claim.State


def test_peers_see_only_their_own_claims(personas, claims):
    mine = {claims("peer", state).pk for state in ("draft", "submitted", "paid")}
    theirs = claims("peer2", "approved", description="theirs")
    assert set(access.scoped(personas["peer"], Claim).values_list("pk", flat=True)) == mine
    assert set(access.scoped(personas["peer2"], Claim)) == {theirs}


def test_leads_see_everything_but_drafts_in_their_organisation(personas, claims):
    draft = claims("peer", "draft")
    others = {claims("peer", s, description=s).pk for s in ("submitted", "rejected", "paid")}
    seen = set(access.scoped(personas["lead"], Claim).values_list("pk", flat=True))
    assert seen == others and draft.pk not in seen
    assert not access.scoped(personas["outsider"], Claim).exists()


def test_finance_sees_approved_exported_and_paid_only(personas, claims):
    for state in ("draft", "submitted", "rejected"):
        claims("peer", state, description=state)
    wanted = {claims("peer", s, description=s).pk for s in ("approved", "exported", "paid")}
    seen = set(access.scoped(personas["finance"], Claim).values_list("pk", flat=True))
    assert seen == wanted
    assert set(access.scoped(personas["finance"], Batch)) == set(Batch.objects.all())


def test_finance_never_sees_preferences_discussions_or_benefits(personas, org, claims):
    peer = personas["peer"]
    BenefitsThresholdFactory(organisation=org)
    services.discussion_record(
        person=peer.person, by=personas["lead"], held_on=claims("peer").activity_date, held_with="L"
    )
    services.preference_set(person=peer.person, by=peer, method="payroll", receives_benefits=True)
    finance = personas["finance"]
    for model in (PaymentPreference, PaymentDiscussion, BenefitsThreshold):
        assert model.objects.exists()
        assert not access.scoped(finance, model).exists(), model
        assert access.scoped(personas["lead"], model).exists(), model
    assert not access.scoped(personas["outsider"], PaymentDiscussion).exists()


def test_payments_gives_finance_nothing_outside_payments(personas):
    """Finance must never see incident narratives, or anything beyond payments: the payments
    rules scope only payments models, and the two rules they add elsewhere are a person's
    payment record (for leads) and setting the organisation's payments policy (which shows
    nothing but the policy)."""
    from workforce.models import Organisation, Person

    from_payments = [m for m, rule in access.scopes().items() if rule.__module__ == rules.__name__]
    assert from_payments and {m._meta.app_label for m in from_payments} == {"payments"}
    for (model, action), rule in access.rules().items():
        if rule.__module__ == rules.__name__:
            assert model._meta.app_label == "payments" or (model, action) in {
                (Person, "view_payments"),
                (Organisation, "configure_payments"),
            }
    assert not access.can(personas["finance"], "view_payments", personas["peer"].person)


def test_finance_of_another_organisation_sees_nothing(client, other_org, batch, exported_claim):
    elsewhere = make_login("finance-elsewhere", other_org, C.FINANCE)
    assert not access.scoped(elsewhere, Claim).exists()
    assert not access.scoped(elsewhere, Batch).exists()
    client.force_login(elsewhere)
    for url in (
        reverse("payments:batch", kwargs={"pk": batch.pk}),
        reverse("payments:batch_download", kwargs={"pk": batch.pk, "fmt": "csv"}),
        reverse("payments:batch_paid", kwargs={"pk": batch.pk}),
        reverse("payments:claim", kwargs={"pk": exported_claim.pk}),
        reverse("payments:claim_paid", kwargs={"pk": exported_claim.pk}),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("payments:batch_paid", kwargs={"pk": batch.pk})).status_code == 404


def test_finance_cannot_see_a_submitted_claim_or_its_receipts(client, personas, receipt_line):
    services.claim_submit(claim=receipt_line.claim, by=personas["peer"])
    client.force_login(personas["finance"])
    url = reverse("payments:claim", kwargs={"pk": receipt_line.claim_id})
    assert client.get(url).status_code == 404
    assert not access.scoped(personas["finance"], ExpenseLine).exists()


def test_rules(personas, claims):
    submitted = claims("peer", "submitted")
    assert access.can(personas["lead"], "decide", submitted)
    assert access.can(personas["admin"], "decide", submitted)
    assert not access.can(personas["finance"], "decide", submitted)
    assert not access.can(personas["peer"], "decide", submitted)
    assert not access.can(personas["peer"], "edit", submitted)
    assert access.can(personas["finance"], "mark_paid", submitted)  # the state is the service's
    assert not access.can(personas["finance"], "see_benefits", submitted)
    assert access.can(personas["peer"], "see_benefits", submitted)

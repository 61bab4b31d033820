"""Finance's pages: what is waiting, creating a batch after checking it, recording
payment after confirming, rate cards, tax-year totals."""

import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from payments.models import Batch, Claim, RateCard
from payments.periods import tax_year_label

TODAY = timezone.localdate()


def test_a_batch_is_checked_then_created(client, personas, claims):
    approved = [claims("peer", "approved", description=f"M{i}") for i in range(3)]
    client.force_login(personas["finance"])
    page = client.get(reverse("payments:batches")).content.decode()
    assert "3</strong> approved claims not yet paid" in page
    preview = client.get(reverse("payments:batch_new"), {"cut_off": TODAY.isoformat()})
    html = preview.content.decode()
    assert "<strong>3</strong> approved claims" in html and "£150.00" in html
    assert not Batch.objects.exists()  # looking changes nothing
    response = client.post(reverse("payments:batch_new"), {"cut_off": TODAY.isoformat()})
    batch = Batch.objects.get()
    assert response.url == reverse("payments:batch", kwargs={"pk": batch.pk})
    assert set(batch.lines.values_list("claim_id", flat=True)) == {c.pk for c in approved}
    # Nothing left: a second batch is refused with a clear message.
    response = client.post(reverse("payments:batch_new"), {"cut_off": TODAY.isoformat()})
    assert "There are no approved claims waiting" in response.content.decode()


def test_batch_page_totals_equal_the_sum_of_its_lines(client, personas, claims):
    claims("peer", "approved", hours=7)
    claims("peer2", "approved", hours=1, preparation="little")
    client.force_login(personas["finance"])
    client.post(reverse("payments:batch_new"), {"cut_off": TODAY.isoformat()})
    batch = Batch.objects.get()
    response = client.get(reverse("payments:batch", kwargs={"pk": batch.pk}))
    lines = list(response.context["page"])
    totals = response.context["totals"]
    assert sum(line.total for line in lines) == totals.total == Decimal("175.00")
    assert "£175.00" in response.content.decode()


def test_recording_payment_is_confirmed_first(client, personas, batch):
    client.force_login(personas["finance"])
    url = reverse("payments:batch_paid", kwargs={"pk": batch.pk})
    assert "This cannot be undone" in client.get(url).content.decode()
    assert Claim.objects.filter(state="paid").count() == 0
    future = TODAY.replace(year=TODAY.year + 1).isoformat()
    response = client.post(url, {"paid_on": future, "reference": "BACS-1"})
    assert "cannot be in the future" in response.content.decode()
    response = client.post(url, {"paid_on": TODAY.isoformat(), "reference": "BACS-1"})
    assert response.status_code == 302
    assert set(Claim.objects.values_list("state", "payment_reference")) == {("paid", "BACS-1")}
    html = client.get(reverse("payments:batches")).content.decode()
    assert "same day" in html or "0.0 days" in html or "0 days" in html


def test_a_single_claim_can_be_marked_paid(client, personas, exported_claim):
    client.force_login(personas["finance"])
    url = reverse("payments:claim_paid", kwargs={"pk": exported_claim.pk})
    response = client.post(url, {"paid_on": TODAY.isoformat(), "reference": "CHQ-9"})
    assert response.status_code == 302
    exported_claim.refresh_from_db()
    assert exported_claim.state == "paid"


def test_finance_adds_a_card_starting_from_the_latest(client, personas, seed_card):
    client.force_login(personas["finance"])
    url = reverse("payments:rate_card_create")
    form = client.get(url).context["form"]
    assert form.initial["fee_2"] == Decimal("50.00")
    data = {"name": "NIHR from 16 December 2025", "effective_from": "2025-12-16", "source": "x"}
    for tier, fee in zip(range(1, 6), ["27.50", "55.00", "82.50", "165.00", "330.00"], strict=True):
        data[f"fee_{tier}"] = fee
        data[f"description_{tier}"] = f"Tier {tier}"
    assert client.post(url, data).status_code == 302
    card = RateCard.objects.get(name="NIHR from 16 December 2025")
    assert card.tiers.get(tier=5).fee == Decimal("330.00")
    html = client.get(reverse("payments:rate_cards")).content.decode()
    assert "NIHR from 16 December 2025" in html and "£330.00" in html
    assert "used by 0 claims" not in html and "not used by any claim yet" in html


def test_tax_year_totals_per_person(client, personas, claims):
    claims("peer", "paid")
    claims("peer", "approved", description="Another")  # not paid yet: expected
    claims("peer2", "submitted")  # not finance's to see yet
    client.force_login(personas["finance"])
    response = client.get(reverse("payments:totals"))
    rows = response.context["rows"]
    assert [(r.name, r.claims, r.fees, r.expected) for r in rows] == [
        ("Peer", 1, Decimal("50.00"), Decimal("50.00"))
    ]
    assert response.context["overall"].total == Decimal("50.00")
    assert response.context["expected_total"] == Decimal("50.00")
    assert tax_year_label(TODAY) in response.content.decode()
    last_year = client.get(reverse("payments:totals"), {"year": "2019/20"})
    assert last_year.context["rows"] == []


def test_batch_list_counts_and_totals_each_batch(client, personas, claims):
    """Line counts, paid counts and totals per batch (fees plus expenses), each batch apart."""
    from payments import services

    peer, lead, finance = personas["peer"], personas["lead"], personas["finance"]
    with_expenses = claims("peer", "draft", hours=7)
    services.expense_add(
        claim=with_expenses, by=peer, kind="travel", description="Bus", amount=Decimal("4.50")
    )
    services.expense_add(
        claim=with_expenses, by=peer, kind="travel", description="Bus home", amount=Decimal("3")
    )
    services.claim_submit(claim=with_expenses, by=peer)
    services.claim_approve(claim=with_expenses, approver=lead)
    second = claims("peer2", "approved", hours=1, preparation="little")
    first_batch = services.batch_create(organisation=second.organisation, by=finance, cut_off=TODAY)
    services.claim_mark_paid(
        claim=Claim.objects.get(pk=second.pk), by=finance, paid_on=TODAY, reference="CHQ-1"
    )
    later = claims("peer", "approved", hours=2, description="Interview panel")
    second_batch = services.batch_create(organisation=later.organisation, by=finance, cut_off=TODAY)

    client.force_login(finance)
    rows = {b.pk: b for b in client.get(reverse("payments:batches")).context["page"]}
    fees = {
        b.pk: sum(line.claim.fee_payable for line in b.lines.select_related("claim"))
        for b in (first_batch, second_batch)
    }
    first, second_row = rows[first_batch.pk], rows[second_batch.pk]
    assert (first.line_count, first.paid_count) == (2, 1)
    assert first.fee_total == fees[first_batch.pk]
    assert first.expenses_total == Decimal("7.50")
    assert first.total == fees[first_batch.pk] + Decimal("7.50")
    assert (second_row.line_count, second_row.paid_count) == (1, 0)
    assert (second_row.expenses_total, second_row.total) == (Decimal("0"), fees[second_batch.pk])


def test_rate_cards_and_activities_show_how_many_claims_use_each(client, personas, claims, org):
    from tests.factories import ActivityFactory

    used, unused = ActivityFactory(organisation=org), ActivityFactory(organisation=org)
    claims("peer", "submitted", activity=used)
    claims("peer2", "draft", activity=used)
    claims("peer", "draft", description="No activity")
    client.force_login(personas["lead"])
    cards = client.get(reverse("payments:rate_cards")).content.decode()
    assert "used by 3 claims" in cards
    activities = client.get(reverse("payments:activities")).content.decode()

    def claims_shown(activity) -> str:
        row = re.search(rf"<td>{activity.title}</td>.*?</tr>", activities).group(0)
        return re.findall(r'<td class="text-end">(\d+)</td>', row)[-1]

    assert (claims_shown(used), claims_shown(unused)) == ("2", "0")

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


def _card_post(rows, **card):
    """The card form as a browser posts it: the card's fields, then each row."""
    data = {
        "name": "New rates from 16 December 2025",
        "effective_from": "2025-12-16",
        "source": "NIHR",
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": "0",
    } | card
    for index, row in enumerate(rows):
        for field, value in row.items():
            data[f"rows-{index}-{field}"] = value
    return data


def _row(fee, description="A task", unit="item", **bands):
    return {"unit": unit, "fee": fee, "description": description} | bands


def test_finance_adds_a_card_starting_from_the_latest(client, personas, seed_card):
    client.force_login(personas["finance"])
    url = reverse("payments:rate_card_create")
    page = client.get(url)
    start = page.context["formset"].initial
    assert [row["fee"] for row in start] == [Decimal(f) for f in ("25", "50", "75", "150", "300")]
    assert start[0]["hours_up_to"] == Decimal("1.00")
    # The preview shows the seed card pricing typical activities beside itself.
    assert page.context["preview"][0][0].fee == Decimal("25.00")
    rows = [_row(fee, f"Row {n}") for n, fee in enumerate(("27.50", "55.00", "330.00"), 1)]
    rows[0] |= {"hours_up_to": "1", "preparation_to": "little"}
    assert client.post(url, _card_post(rows)).status_code == 302
    card = RateCard.objects.get(name="New rates from 16 December 2025")
    assert list(card.tiers.values_list("tier", "fee", "minutes_up_to")) == [
        (1, Decimal("27.50"), 60),
        (2, Decimal("55.00"), None),
        (3, Decimal("330.00"), None),
    ]
    html = client.get(reverse("payments:rate_cards")).content.decode()
    assert "New rates from 16 December 2025" in html and "£330.00" in html
    assert "Chosen by hand only" in html and "up to 1 hour, little or no preparation" in html
    assert "used by 0 claims" not in html and "not used by any claim yet" in html


def test_add_a_row_remove_a_row_and_preview_without_javascript(client, personas, seed_card):
    client.force_login(personas["finance"])
    url = reverse("payments:rate_card_create")
    rows = [
        _row("27.50", "An hour", unit="hour", hours_up_to="4"),
        _row("13.80", "Gone"),
    ]
    added = client.post(url, _card_post(rows) | {"action": "add"})
    assert added.status_code == 200 and len(added.context["formset"].forms) == 3
    assert not RateCard.objects.filter(name__startswith="New rates").exists()
    data = _card_post(rows) | {"action": "preview", "rows-1-DELETE": "on"}
    preview = client.post(url, data)
    assert preview.status_code == 200
    assert [f.initial["description"] for f in preview.context["formset"].forms] == ["An hour"]
    new, current = preview.context["preview"][1]  # a 2-hour meeting with papers
    assert (new.row.tier, new.quantity, new.fee) == (1, Decimal("2.00"), Decimal("55.00"))
    assert (current.row.tier, current.fee) == (2, Decimal("50.00"))
    html = preview.content.decode()
    assert "How typical activities would be paid" in html and "£55.00" in html
    day = preview.context["preview"][3][0]  # a full day fits no row of the new card
    assert day.row is None and "No row fits" in html
    assert not RateCard.objects.filter(name__startswith="New rates").exists()


def test_each_row_s_errors_show_beside_it_and_nothing_is_saved(client, personas, seed_card):
    client.force_login(personas["finance"])
    url = reverse("payments:rate_card_create")
    rows = [
        _row("27.50"),
        _row("-1", ""),
        _row("10", hours_over="3", hours_up_to="2"),
    ]
    response = client.post(url, _card_post(rows))
    assert response.status_code == 400
    forms = response.context["formset"].forms
    assert forms[0].errors == {}
    assert "fee" in forms[1].errors and "description" in forms[1].errors
    assert forms[2].errors["hours_up_to"] == ["The longest must be more than the shortest."]
    summary = [e["label"] for e in response.context["extra_errors"]]
    assert summary == ["Row 2", "Row 3"]
    html = response.content.decode()
    assert 'href="#row-1"' in html and "There is a problem" in html
    assert RateCard.objects.filter(organisation=seed_card.organisation).count() == 1
    # All rows blank or removed: a card needs at least one.
    empty = client.post(url, _card_post([_row("1", "x")]) | {"rows-0-DELETE": "on"})
    assert empty.status_code == 400
    assert "A rate card needs at least one row." in empty.content.decode()


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

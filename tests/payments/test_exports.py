"""Finance exports: one row generator, CSV and XLSX the same, byte-identical downloads,
formula injection neutralised, totals equal to the batch's."""

import csv
import io
import zipfile
from datetime import UTC
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from payments import exports, selectors, services
from payments.exports import BatchExport
from workforce.models import Person
from workforce.platform.exports import ZIP_TIME, neutralise

TODAY = timezone.localdate()


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 7700 900000", "'+44 7700 900000"),
        ("-5", "'-5"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ('=HYPERLINK("http://evil","click")', '\'=HYPERLINK("http://evil","click")'),
        ("Samira Khan", "Samira Khan"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(text, safe):
    assert neutralise(text) == safe


@pytest.fixture
def hostile_batch(claims, personas, org):
    """A batch whose text is full of spreadsheet formulas."""
    peer = personas["peer"]
    Person.objects.filter(pk=peer.person.pk).update(
        full_name='=HYPERLINK("http://evil.example","Sam")', payee_reference="+PAY-001"
    )
    peer.person.refresh_from_db()
    claim = claims("peer", "approved", description="@SUM(1+1)*cmd|' /C calc'!A0")
    services.expense_add(
        claim=claims("peer", "draft", description="-2+3"),
        by=peer,
        kind="travel",
        description="Train",
        amount=Decimal("12.35"),
    )
    draft = peer.person.payment_claims.get(description="-2+3")
    services.claim_submit(claim=draft, by=peer)
    services.claim_approve(claim=draft, approver=personas["lead"])
    Person.objects.filter(user=personas["peer2"]).update(
        full_name="\r=2+2", payee_reference="\t@cmd"
    )
    claims("peer2", "approved", description="Plain")
    batch = services.batch_create(organisation=org, by=personas["finance"], cut_off=TODAY)
    assert claim.pk in batch.lines.values_list("claim_id", flat=True)
    return batch


def _download(client, batch, fmt):
    response = client.get(reverse("payments:batch_download", kwargs={"pk": batch.pk, "fmt": fmt}))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_csv_and_xlsx_carry_the_same_rows(client, personas, hostile_batch):
    client.force_login(personas["finance"])
    response, body = _download(client, hostile_batch, "csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="payments-{hostile_batch.reference}.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == BatchExport.headers
    response, body = _download(client, hostile_batch, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    xlsx_rows = [
        [_as_csv(header, value) for header, value in zip(rows[0], row, strict=True)]
        for row in sheet.iter_rows(values_only=True)
    ]
    # XML turns a carriage return into a line feed; both are neutralised all the same.
    assert [[c.replace("\r", "\n") for c in row] for row in xlsx_rows] == [
        [c.replace("\r", "\n") for c in row] for row in rows
    ]
    assert len(rows) == 1 + 3


def _as_csv(header, value):
    """An XLSX cell as the CSV writes it: money to the penny, dates as ISO."""
    if value is None:
        return ""
    if header in BatchExport.money_columns and not isinstance(value, str):
        return f"{Decimal(str(value)):.2f}"
    if hasattr(value, "date"):
        return value.date().isoformat()
    return str(value)


def test_no_cell_can_run_a_formula(client, personas, hostile_batch):
    client.force_login(personas["finance"])
    _, body = _download(client, hostile_batch, "csv")
    for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    _, body = _download(client, hostile_batch, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(body))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://evil.example","Sam")' in texts
    assert "'+PAY-001" in texts and "'\t@cmd" in texts
    assert any(t.startswith("'") and t.endswith("=2+2") for t in texts)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            assert b"<f>" not in archive.read(name), name


def test_every_download_is_the_same_bytes(client, personas, hostile_batch, settings):
    client.force_login(personas["finance"])
    first = {fmt: _download(client, hostile_batch, fmt)[1] for fmt in ("csv", "xlsx")}
    # Time passes and the person's record changes: the batch keeps its own copy.
    Person.objects.filter(user=personas["peer"]).update(full_name="Someone Else")
    settings.TIME_ZONE = "UTC"
    again = {fmt: _download(client, hostile_batch, fmt)[1] for fmt in ("csv", "xlsx")}
    assert again == first
    with zipfile.ZipFile(io.BytesIO(first["xlsx"])) as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_TIME}
        core = archive.read("docProps/core.xml").decode()
    # The document's own dates are the batch's, never the moment of download.
    stamp = hostile_batch.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f">{stamp}</dcterms:created>" in core and f">{stamp}</dcterms:modified>" in core


def test_file_totals_equal_the_batch_totals(client, personas, hostile_batch):
    totals = selectors.batch_totals(hostile_batch)
    client.force_login(personas["finance"])
    _, body = _download(client, hostile_batch, "csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert sum(Decimal(r["Fee"]) for r in rows) == totals.fees
    assert sum(Decimal(r["Expenses"]) for r in rows) == totals.expenses == Decimal("12.35")
    assert sum(Decimal(r["Total"]) for r in rows) == totals.total
    for row in rows:
        assert Decimal(row["Fee"]) + Decimal(row["Expenses"]) == Decimal(row["Total"])
        # The tax year follows the payment date: these claims are not paid yet.
        assert row[exports.TAX_YEAR_HEADER] == ""
    html = client.get(reverse("payments:batch", kwargs={"pk": hostile_batch.pk})).content
    assert f"£{totals.total:,.2f}".encode() in html


def test_export_columns(hostile_batch, personas):
    row = dict(zip(BatchExport.headers, next(BatchExport(hostile_batch).rows()), strict=True))
    claim = hostile_batch.lines.order_by("position").first().claim
    assert row["Batch"] == hostile_batch.reference and row["Claim"] == claim.reference
    assert row["Payment method"] == "Through payroll"
    assert row["Rate card"] == claim.rate_card.name
    assert row["Approved by"] == personas["lead"].person.full_name
    assert row["Tier"] == 2 and row["Fee"] == Decimal("50.00")
    assert isinstance(row["Fee"], Decimal)


def test_only_csv_and_xlsx(client, personas, hostile_batch):
    client.force_login(personas["finance"])
    url = reverse("payments:batch_download", kwargs={"pk": hostile_batch.pk, "fmt": "pdf"})
    assert client.get(url).status_code == 404

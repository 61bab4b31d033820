"""Finance exports, pretix-style: one generator of rows per report, rendered to CSV or XLSX
by shared renderers.

- Every text cell is neutralised against spreadsheet formula injection: a leading =, +, -,
  @, tab or carriage return gets a leading apostrophe, and no XLSX cell is ever a formula.
- The same batch gives the same bytes on every download: rows come only from data that can
  no longer change (claims in a batch, the batch's own copy of names), in a fixed order, and
  the XLSX carries fixed timestamps inside and on its zip entries.
- CSV streams row by row from a server-side cursor; XLSX is written by openpyxl's write-only
  mode to a temporary file, then streamed from it.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from payments import periods, selectors
from payments.models import Batch, PaymentMethod
from payments.money import format_gbp, to_money

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
Row = list  # of str | Decimal | int | date


def neutralise(text: str) -> str:
    """Make a text cell inert in Excel, LibreOffice and Google Sheets (OWASP's advice)."""
    if text and text.startswith(DANGEROUS_FIRST):
        return "'" + text
    return text


class BatchExport:
    """The finance report of one batch: its header and rows."""

    headers = [
        "Batch",
        "Claim",
        "Payee reference",
        "Name",
        "Payment method",
        "Activity",
        "Activity date",
        "Tier",
        "Rate card",
        "Fee",
        "Expenses",
        "Total",
        "Cost code",
        "Tax year",
        "Approved by",
        "Approved at",
        "Declined or reduced",
    ]
    money_columns = {"Fee", "Expenses", "Total"}
    widths = [9, 9, 16, 24, 16, 36, 12, 5, 30, 10, 10, 10, 12, 9, 22, 17, 30]

    def __init__(self, batch: Batch):
        self.batch = batch

    @property
    def filename(self) -> str:
        return f"payments-{self.batch.reference}"

    def rows(self) -> Iterator[Row]:
        batch = self.batch
        for line in selectors.batch_lines(batch).iterator(chunk_size=500):
            claim = line.claim
            yield [
                batch.reference,
                claim.reference,
                line.payee_reference,
                line.payee_name,
                claim.get_payment_method_display(),
                claim.description,
                claim.activity_date,
                claim.tier,
                claim.rate_card.name,
                to_money(claim.fee_payable),
                to_money(line.expenses_total),
                to_money(line.total),
                claim.cost_code,
                periods.tax_year_label(claim.activity_date),
                line.approved_by_name,
                timezone.localtime(claim.decided_at).strftime("%Y-%m-%d %H:%M"),
                _flag(claim),
            ]


def _flag(claim) -> str:
    card_fee = format_gbp(claim.fee)
    if claim.payment_method == PaymentMethod.DECLINED:
        return f"Declined (card fee {card_fee})"
    if claim.payment_method == PaymentMethod.EXPENSES_ONLY:
        return f"Expenses only (card fee {card_fee})"
    if claim.payment_method == PaymentMethod.REDUCED and claim.fee_payable < claim.fee:
        return f"Reduced from {card_fee}"
    return ""


# --- CSV


class _Echo:
    """A file-like object whose write() hands back what it was given (Django's streaming
    CSV recipe)."""

    def write(self, value: str) -> str:
        return value


def _csv_text(value) -> str:
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, Decimal):
        return f"{to_money(value):f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def render_csv(headers: list[str], rows: Iterable[Row]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, so Excel shows £ and accented names correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow([neutralise(h) for h in headers]).encode()
    for row in rows:
        yield writer.writerow([_csv_text(value) for value in row]).encode()


# --- XLSX

# Zip entries carry a timestamp; a fixed one keeps the bytes the same on every download.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class _StableZip(zipfile.ZipFile):
    """Every entry stamped with the same time and mode, whatever the clock or temp file."""

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
        info.compress_type = self.compression
        info.external_attr = 0o644 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as source, self.open(self._info(arcname), "w") as target:
            shutil.copyfileobj(source, target)


def _xlsx_cell(sheet, value, *, money: bool = False, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):
        value = neutralise(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Belt and braces: openpyxl treats text starting "=" as a formula; never let it.
        cell.data_type = "s"
    elif money:
        cell.number_format = "#,##0.00"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = Font(bold=True)
    return cell


def render_xlsx(
    headers: list[str],
    rows: Iterable[Row],
    *,
    title: str,
    stamped: dt.datetime,
    money_columns: set[str] = frozenset(),
    widths: list[int] | None = None,
):
    """A temporary file holding the workbook, rewound; the caller streams and closes it."""
    workbook = Workbook(write_only=True)
    # Fixed document properties: openpyxl would otherwise stamp "now" into docProps/core.xml.
    stamp = stamped.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    workbook.properties.creator = "Lived experience workforce"
    workbook.properties.lastModifiedBy = "Lived experience workforce"
    workbook.properties.title = title
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    sheet = workbook.create_sheet(title=title[:31])
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([_xlsx_cell(sheet, h, bold=True) for h in headers])
    money = [h in money_columns for h in headers]
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v, money=m) for v, m in zip(row, money, strict=True)])
    output = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)  # noqa: SIM115
    archive = _StableZip(output, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()
    output.seek(0)
    return output


def batch_csv(batch: Batch) -> Iterator[bytes]:
    export = BatchExport(batch)
    return render_csv(export.headers, export.rows())


def batch_xlsx(batch: Batch):
    export = BatchExport(batch)
    return render_xlsx(
        export.headers,
        export.rows(),
        title=f"Batch {batch.reference}",
        stamped=batch.created_at,
        money_columns=export.money_columns,
        widths=export.widths,
    )

"""Finance exports, pretix-style: one generator of rows per report, rendered to CSV or XLSX
by shared renderers.

- Every text cell is neutralised against spreadsheet formula injection: a leading =, +, -,
  @, tab or carriage return gets a leading apostrophe, and no XLSX cell is ever a formula.
- The same batch gives the same bytes on every download: rows come only from data that can
  no longer change (claims in a batch, the batch's own copy of names), in a fixed order, and
  the XLSX carries fixed timestamps inside and on its zip entries.
- Both stream at a million lines in bounded memory (bench/export.py measures it): rows come
  as plain tuples (values_list) from a server-side cursor, the CSV is written a thousand rows
  at a time, and the XLSX sheet is written as XML straight into a zip entry of a temporary
  file (openpyxl, even write-only, spends ~1 ms a row; this writer a few microseconds).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone
from openpyxl.utils import get_column_letter

from payments import periods, selectors
from payments.models import Batch, PaymentMethod
from payments.money import format_gbp, to_money

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
Row = list  # of str | Decimal | int | date
# Rows fetched from the server-side cursor at a time, and written per CSV chunk.
CHUNK = 2000


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
    fields = (
        "claim_id",
        "payee_reference",
        "payee_name",
        "claim__payment_method",
        "claim__description",
        "claim__activity_date",
        "claim__tier",
        "claim__rate_card__name",
        "claim__fee",
        "claim__fee_payable",
        "expenses_total",
        "total",
        "claim__cost_code",
        "approved_by_name",
        "claim__decided_at",
    )

    def __init__(self, batch: Batch):
        self.batch = batch

    @property
    def filename(self) -> str:
        return f"payments-{self.batch.reference}"

    def rows(self) -> Iterator[Row]:
        # Plain tuples, not model instances: building three models a line was most of the
        # time of a big export.
        reference = self.batch.reference
        methods = dict(PaymentMethod.choices)
        here = timezone.get_current_timezone()
        tax_years: dict[dt.date, str] = {}
        lines = selectors.batch_lines(self.batch).values_list(*self.fields)
        for (
            claim_id,
            payee_reference,
            payee_name,
            method,
            description,
            day,
            tier,
            rate_card,
            fee,
            fee_payable,
            expenses,
            total,
            cost_code,
            approved_by,
            decided_at,
        ) in lines.iterator(chunk_size=CHUNK):
            tax_year = tax_years.get(day)
            if tax_year is None:
                tax_year = tax_years[day] = periods.tax_year_label(day)
            yield [
                reference,
                f"C{claim_id:06d}",  # Claim.reference
                payee_reference,
                payee_name,
                methods[method],
                description,
                day,
                tier,
                rate_card,
                to_money(fee_payable),
                to_money(expenses),
                to_money(total),
                cost_code,
                tax_year,
                approved_by,
                decided_at.astimezone(here).strftime("%Y-%m-%d %H:%M"),
                _flag(method, fee, fee_payable),
            ]


def _flag(method: str, fee: Decimal, fee_payable: Decimal) -> str:
    if method == PaymentMethod.DECLINED:
        return f"Declined (card fee {format_gbp(fee)})"
    if method == PaymentMethod.EXPENSES_ONLY:
        return f"Expenses only (card fee {format_gbp(fee)})"
    if method == PaymentMethod.REDUCED and fee_payable < fee:
        return f"Reduced from {format_gbp(fee)}"
    return ""


# --- CSV


def _csv_text(value) -> str:
    kind = type(value)
    if kind is str:
        return neutralise(value)
    if kind is int:
        return str(value)
    if isinstance(value, Decimal):
        return f"{to_money(value):f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def render_csv(headers: list[str], rows: Iterable[Row]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, so Excel shows £ and accented names correctly.

    Rows are written CHUNK at a time: one yield a row costs more than writing the row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([neutralise(h) for h in headers])
    pending = 0
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
        pending += 1
        if pending == CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode()


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


XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "application/vnd.openxmlformats-officedocument"

CONTENT_TYPES = (
    XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{OFFICE}.spreadsheetml.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{OFFICE}.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    f'<Override PartName="/docProps/app.xml" ContentType="{OFFICE}.extended-properties+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{REL_NS}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
APP = (
    XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>Lived experience workforce</Application></Properties>'
)
# Cell styles, by index: 0 plain, 1 bold (headers), 2 money, 3 date, 4 date and time.
PLAIN, BOLD, MONEY, DATE, DATETIME = 0, 1, 2, 3, 4
STYLES = (
    XML_HEAD + f'<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)
# Characters XML 1.0 cannot carry at all (openpyxl refuses them); dropped from text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _xlsx_text(text: str) -> str:
    """An inline string cell's content; never a formula, whatever the text says."""
    text = escape(_NOT_XML.sub("", neutralise(text)))
    if text != text.strip():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _xlsx_cell(ref: str, value, *, money: bool = False, bold: bool = False) -> str:
    if value is None or value == "":
        return ""
    kind = type(value)
    if kind is str or isinstance(value, str):
        style = f' s="{BOLD}"' if bold else ""
        return f'<c r="{ref}"{style} t="inlineStr">{_xlsx_text(value)}</c>'
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        style = f' s="{MONEY}"' if money else ""
        return f'<c r="{ref}"{style}><v>{to_money(value) if money else value:f}</v></c>'
    if isinstance(value, int | float):
        style = f' s="{MONEY}"' if money else ""
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise TypeError("Excel has no time zones: pass a local, naive datetime")
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        serial = (value.date() - EXCEL_EPOCH).days + seconds / 86400
        return f'<c r="{ref}" s="{DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{DATE}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    return _xlsx_cell(ref, str(value), bold=bold)


def _sheet_head(widths: list[int] | None) -> str:
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
        for i, width in enumerate(widths or [], start=1)
    )
    return (
        XML_HEAD + f'<worksheet xmlns="{MAIN_NS}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
    )


def render_xlsx(
    headers: list[str],
    rows: Iterable[Row],
    *,
    title: str,
    stamped: dt.datetime,
    money_columns: set[str] = frozenset(),
    widths: list[int] | None = None,
):
    """A temporary file holding the workbook, rewound; the caller streams and closes it.

    One sheet, inline strings (no shared-string table growing with the rows), written a
    chunk of rows at a time into the zip entry, so memory stays flat however many rows.
    """
    stamp = stamped.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    name = title[:31]
    letters = [get_column_letter(i) for i in range(1, len(headers) + 1)]
    money = [h in money_columns for h in headers]
    core = (
        XML_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator>Lived experience workforce</dc:creator>"
        "<cp:lastModifiedBy>Lived experience workforce</cp:lastModifiedBy>"
        f"<dc:title>{escape(title)}</dc:title>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    workbook = (
        XML_HEAD + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        f'<sheet name={quoteattr(name)} sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    output = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)  # noqa: SIM115
    with _StableZip(output, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("docProps/app.xml", APP)
        archive.writestr("docProps/core.xml", core)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        with archive.open(
            archive._info("xl/worksheets/sheet1.xml"), "w", force_zip64=True
        ) as sheet:
            head = "".join(
                _xlsx_cell(f"{col}1", h, bold=True) for col, h in zip(letters, headers, strict=True)
            )
            chunk = [_sheet_head(widths), f'<row r="1">{head}</row>']
            for number, row in enumerate(rows, start=2):
                cells = "".join(
                    _xlsx_cell(f"{col}{number}", value, money=m)
                    for col, value, m in zip(letters, row, money, strict=True)
                )
                chunk.append(f'<row r="{number}">{cells}</row>')
                if len(chunk) >= CHUNK:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            chunk.append("</sheetData></worksheet>")
            sheet.write("".join(chunk).encode())
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

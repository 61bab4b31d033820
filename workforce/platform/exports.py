"""Every download the app offers is rendered here: one CSV renderer, one XLSX writer, and
one formula guard used by both.

An export is a row generator living with its domain (the batch lines in payments, the report
tables in workforce/reports, the compliance rows in supervision, the people rows in the
register): it yields the header, then rows of plain values (str, int, Decimal, date,
datetime, None). This module is the platform layer: it imports no app models, so anything
can use it and it can be tested alone.

- Formula guard: every text cell that starts with =, +, -, @, tab or carriage return gets a
  leading apostrophe (OWASP's advice), in the CSV and in the XLSX alike, and no XLSX cell is
  ever a formula. `neutralise_sql` is the same guard for rows PostgreSQL writes itself.
- Stable bytes: the XLSX carries the caller's timestamp inside and a fixed one on its zip
  entries, so the same rows give the same file on every download.
- Bounded memory at a million lines: the CSV is written a chunk of rows at a time; the XLSX
  sheet is written as XML straight into a zip entry of a temporary file (openpyxl, even
  write-only, is too slow a row for that: bench/EXPORT.md), and its cells are inline
  strings, so nothing grows with the rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.db import connection
from openpyxl.utils import get_column_letter

from workforce.platform.cells import cell_text

# Characters that make a spreadsheet read a cell as a formula.
DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
_DANGEROUS = frozenset(DANGEROUS_FIRST)  # single characters, so a set lookup will do
# Rows written per CSV chunk and per XLSX sheet write.
CHUNK = 2000
# The kind of a column that holds money: formatted as money in the XLSX. Money arrives
# already rounded to the penny by its domain (payments.money.to_money, or round() in SQL);
# this module only writes it down.
MONEY = "money"


def neutralise(text: str) -> str:
    """Make a text cell inert in Excel, LibreOffice and Google Sheets (OWASP's advice)."""
    if text and text.startswith(DANGEROUS_FIRST):
        return "'" + text
    return text


def neutralise_sql(sql: str) -> tuple[str, list]:
    """neutralise() in SQL, and its one parameter; an empty cell becomes NULL, which COPY
    leaves unquoted, as the CSV writer writes an empty string."""
    return (
        f"CASE WHEN left({sql}, 1) = ANY(%s) THEN '''' || {sql} ELSE NULLIF({sql}, '') END",
        [list(DANGEROUS_FIRST)],
    )


# --- CSV


def render_csv(lines: Iterable[Sequence], *, bom: bool = True) -> Iterator[bytes]:
    """The CSV of `lines` (header first), every cell through cell_text and neutralise.

    `bom`: UTF-8 with a byte-order mark, so Excel shows £ and accented names correctly (the
    people and compliance exports have always gone without one, and keep their bytes).
    Rows are written CHUNK at a time: one yield a row costs more than writing the row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write("\ufeff")
    pending = 0
    for line in lines:
        writer.writerow([neutralise(cell_text(value)) for value in line])
        pending += 1
        if pending == CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode()


def copy_csv(header: Sequence[str], sql: str, params: Sequence) -> Iterator[bytes]:
    """The same CSV written by PostgreSQL (COPY) from a SELECT whose text columns already
    went through neutralise_sql, handed on in chunks of about 64 KB: for exports of a
    million lines, where the database writes CSV faster than Python can. One difference
    from render_csv: COPY ends lines with a line feed, so the header does too."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([neutralise(h) for h in header])
    yield ("\ufeff" + buffer.getvalue()).encode()
    pending, size = [], 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy,
    ):
        for data in copy:
            pending.append(data)
            size += len(data)
            if size >= 65536:
                yield b"".join(pending)
                pending, size = [], 0
    yield b"".join(pending)


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
PLAIN, BOLD, MONEY_STYLE, DATE, DATETIME = 0, 1, 2, 3, 4
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
    """An inline string cell's content; never a formula, whatever the text says.

    Runs for most cells of a million-line sheet, so each step is skipped when not needed."""
    if text[:1] in _DANGEROUS:
        text = "'" + text  # as neutralise() does
    if not text.isprintable():
        text = _NOT_XML.sub("", text)
    if "&" in text or "<" in text or ">" in text:
        text = escape(text)
    if text[:1].isspace() or text[-1:].isspace():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _xlsx_cell(ref: str, value, *, money: bool = False, bold: bool = False) -> str:
    if value is None or value == "":
        return ""
    kind = type(value)
    # Exact types first: the export's own columns, a million times over.
    if kind is Decimal:
        if money:
            return f'<c r="{ref}" s="{MONEY_STYLE}"><v>{value:f}</v></c>'
        return f'<c r="{ref}"><v>{value:f}</v></c>'
    if kind is int and not money:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind is dt.date:
        return f'<c r="{ref}" s="{DATE}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    if kind is str or isinstance(value, str):
        style = f' s="{BOLD}"' if bold else ""
        return f'<c r="{ref}"{style} t="inlineStr">{_xlsx_text(value)}</c>'
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        style = f' s="{MONEY_STYLE}"' if money else ""
        return f'<c r="{ref}"{style}><v>{value:f}</v></c>'
    if isinstance(value, int | float):
        style = f' s="{MONEY_STYLE}"' if money else ""
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


def _sheet_head(widths: Sequence[int] | None) -> str:
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
    lines: Iterable[Sequence],
    *,
    title: str,
    stamped: dt.datetime,
    kinds: Sequence[str] = (),
    widths: Sequence[int] | None = None,
):
    """The workbook of `lines` (header first, in bold) in a temporary file, rewound; the
    caller streams and closes it. `kinds`: each column's kind (MONEY gets money's format);
    `stamped`: the document's own date, so a re-download gives the same bytes.

    One sheet, inline strings (no shared-string table growing with the rows), written a
    chunk of rows at a time into the zip entry, so memory stays flat however many rows.
    """
    lines = iter(lines)
    headers = next(lines)
    stamp = stamped.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    name = title[:31]
    letters = [get_column_letter(i) for i in range(1, len(headers) + 1)]
    money = [kind == MONEY for kind in kinds] if kinds else [False] * len(headers)
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
        # The sheet is most of the work: deflate level 1 takes far less time than the default
        # for a somewhat larger file (figures in bench/EXPORT.md).
        sheet_info = archive._info("xl/worksheets/sheet1.xml")
        sheet_info._compresslevel = 1
        with archive.open(sheet_info, "w", force_zip64=True) as sheet:
            head = "".join(
                _xlsx_cell(f"{col}1", h, bold=True) for col, h in zip(letters, headers, strict=True)
            )
            chunk = [_sheet_head(widths), f'<row r="1">{head}</row>']
            for number, row in enumerate(lines, start=2):
                n = str(number)
                cells = [f'<row r="{n}">']
                for col, value, m in zip(letters, row, money, strict=True):
                    if type(value) is str:  # most cells: the short way
                        if value:
                            cells.append(f'<c r="{col}{n}" t="inlineStr">{_xlsx_text(value)}</c>')
                    else:
                        cells.append(_xlsx_cell(col + n, value, money=m))
                cells.append("</row>")
                chunk.append("".join(cells))
                if len(chunk) >= CHUNK:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            chunk.append("</sheetData></worksheet>")
            sheet.write("".join(chunk).encode())
    output.seek(0)
    return output

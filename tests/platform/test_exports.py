"""workforce/platform/exports.py: one CSV renderer, one XLSX writer, one formula guard.

Every XLSX the app produces is read back (openpyxl, and LibreOffice in a slow test) and must
hold exactly the CSV's cells for the same rows: same header, same values, every text cell
that could start a formula neutralised in both, and no cell a formula."""

import ast
import csv
import datetime
import io
import os
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from payments import services
from payments.exports import BatchExport
from workforce.models import Person
from workforce.platform import exports

ROOT = Path(__file__).resolve().parents[2]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 7700 900000", "'+44 7700 900000"),
        ("-5", "'-5"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Samira Khan", "Samira Khan"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(text, safe):
    assert exports.neutralise(text) == safe


# --- The rules of the layout, checked on the source.


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_renderers_import_no_app():
    """A platform module: stdlib, Django, openpyxl.utils and the platform only, never an app."""
    imported = _imports(ROOT / "workforce" / "platform" / "exports.py")
    outside = {
        name
        for name in imported
        if name.split(".")[0] not in ("__future__", "django", "openpyxl")
        and name.split(".")[0] not in sys.stdlib_module_names
        and not name.startswith("workforce.platform.")
    }
    assert outside == set()
    assert {n for n in imported if n.startswith("openpyxl")} <= {"openpyxl.utils"}


def test_nothing_else_writes_csv_or_guards_formulas():
    """The one renderer and the one guard: other modules may read CSV (imports), not write."""
    readers = {"workforce/register/people_csv.py"}
    offenders = []
    for app in ("workforce", "roles", "supervision", "payments"):
        for path in (ROOT / app).rglob("*.py"):
            name = path.relative_to(ROOT).as_posix()
            if name == "workforce/platform/exports.py" or "/migrations/" in name:
                continue
            source = path.read_text()
            if "csv" in _imports(path) and name not in readers:
                offenders.append(f"{name} imports csv")
            for sign in ("class _Echo", "def neutralise", "def safe_cell", '("=", "+", "-"'):
                if sign in source:
                    offenders.append(f"{name}: {sign}")
    assert offenders == []


# --- Reading an XLSX back as the CSV's cells.


def _as_csv(value, kind: str) -> str:
    """An XLSX cell as the CSV writes it: money to the penny, dates as ISO."""
    if value is None:
        return ""
    if kind == exports.MONEY and not isinstance(value, str):
        return f"{Decimal(str(value)):.2f}"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _no_cr(rows):
    # XML turns a carriage return into a line feed (XML 1.0 end-of-line handling); the
    # cell is neutralised all the same, as the tests below check on the raw text.
    return [[cell.replace("\r", "\n") for cell in row] for row in rows]


def _xlsx_rows(body: bytes, kinds) -> list[list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells), "a cell is a formula"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            assert b"<f>" not in archive.read(name), name
    return [
        [_as_csv(value, kind) for value, kind in zip(row, kinds, strict=True)]
        for row in book.active.iter_rows(values_only=True)
    ]


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _assert_guarded(rows):
    for row in rows:
        for cell in row:
            assert not cell.startswith(DANGEROUS), cell


HOSTILE = [
    ["Name", "Note", "Amount", "Count", "Day", "Blank"],
    ["=1+1", "+44 7700 900000", Decimal("12.35"), 3, datetime.date(2026, 4, 6), None],
    ["@SUM(A1)", "-2+3", Decimal("0.00"), 0, datetime.date(2025, 12, 31), ""],
    ["\t=cmd", "\r=cmd", Decimal("1000.50"), 12, datetime.date(2026, 1, 1), None],
    ['Zoë <b>&amp;</b> "quoted"', "a, b\nsecond line", Decimal("7.10"), 1, None, "x"],
]
KINDS = ["text", "text", exports.MONEY, "int", "date", "text"]


def test_xlsx_cells_equal_csv_cells_for_the_same_rows():
    written = b"".join(exports.render_csv(HOSTILE))
    stamped = datetime.datetime(2026, 4, 6, 9, 30, tzinfo=datetime.UTC)
    with exports.render_xlsx(HOSTILE, title="Hostile", stamped=stamped, kinds=KINDS) as xlsx:
        body = xlsx.read()
    csv_rows = _csv_rows(written)
    assert _no_cr(_xlsx_rows(body, KINDS)) == _no_cr(csv_rows)
    _assert_guarded(csv_rows)
    assert csv_rows[1][:2] == ["'=1+1", "'+44 7700 900000"]
    assert csv_rows[3][:2] == ["'\t=cmd", "'\r=cmd"]


# --- The batch export: the app's XLSX.


@pytest.fixture
def hostile_batch(claims, personas, org):
    """A batch whose text is full of spreadsheet formulas."""
    peer = personas["peer"]
    Person.objects.filter(pk=peer.person.pk).update(
        full_name='=HYPERLINK("http://evil.example","Sam")', payee_reference="+PAY-001"
    )
    claims("peer", "approved", description="@SUM(1+1)*cmd|' /C calc'!A0")
    draft = claims("peer", "draft", description="-2+3")
    services.expense_add(
        claim=draft, by=peer, kind="travel", description="Train", amount=Decimal("12.35")
    )
    services.claim_submit(claim=draft, by=peer)
    services.claim_approve(claim=draft, approver=personas["lead"])
    Person.objects.filter(user=personas["peer2"]).update(
        full_name="\r=2+2", payee_reference="\t@cmd"
    )
    claims("peer2", "approved", description='Plain, "quoted"\nsecond line')
    return services.batch_create(
        organisation=org, by=personas["finance"], cut_off=timezone.localdate()
    )


def _download(client, batch, fmt) -> bytes:
    response = client.get(reverse("payments:batch_download", kwargs={"pk": batch.pk, "fmt": fmt}))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_batch_xlsx_cells_equal_its_csv_cells(client, personas, hostile_batch):
    client.force_login(personas["finance"])
    csv_rows = _csv_rows(_download(client, hostile_batch, "csv"))
    kinds = BatchExport(hostile_batch).kinds
    xlsx_rows = _xlsx_rows(_download(client, hostile_batch, "xlsx"), kinds)
    assert csv_rows[0] == BatchExport.headers and len(csv_rows) == 1 + 3
    assert _no_cr(xlsx_rows) == _no_cr(csv_rows)
    _assert_guarded(csv_rows)
    _assert_guarded(xlsx_rows)


def _soffice_csv(xlsx: Path, outdir: Path) -> list[list[str]]:
    profile = outdir / "profile"
    subprocess.run(  # noqa: S603 - fixed arguments, a file this test wrote
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "csv",
            "--outdir",
            str(outdir),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(outdir)},
    )
    converted = (outdir / xlsx.name).with_suffix(".csv")
    return list(csv.reader(io.StringIO(converted.read_text(encoding="utf-8"), newline="")))


@pytest.mark.slow
def test_libreoffice_reads_the_batch_xlsx_as_its_csv(client, personas, hostile_batch, tmp_path):
    """Another reader than openpyxl: Debian's LibreOffice converts the XLSX to CSV."""
    if SOFFICE is None:
        message = (
            "LibreOffice (soffice) not found: install it with "
            "`apt-get install libreoffice-calc-nogui` to run this test."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    client.force_login(personas["finance"])
    csv_rows = _csv_rows(_download(client, hostile_batch, "csv"))
    xlsx = tmp_path / "batch.xlsx"
    xlsx.write_bytes(_download(client, hostile_batch, "xlsx"))
    converted = _soffice_csv(xlsx, tmp_path)
    # LibreOffice's CSV writes a number's value, not its format: 50.00 in money's format
    # comes out as "50". Money cells are compared as amounts; every other cell as text.
    kinds = BatchExport(hostile_batch).kinds
    assert _amounts(_no_cr(converted), kinds) == _amounts(_no_cr(csv_rows), kinds)
    assert len(converted) == 1 + 3


def _amounts(rows, kinds):
    return [rows[0]] + [
        [
            Decimal(cell) if kind == exports.MONEY and cell else cell
            for cell, kind in zip(row, kinds, strict=True)
        ]
        for row in rows[1:]
    ]

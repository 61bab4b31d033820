"""Hypothesis strategies for what a hostile or clumsy browser can send to a form.

Three ways to build a submission, chosen per example:
- tweak: the page's own values with some fields given plausible values of their kind
  (usually valid, so the views' services and their database writes are exercised too);
- mutate: the page's own values with one to three fields dropped, duplicated or replaced by
  junk;
- chaos: every field optional, any value of any kind.
Any of them may carry extra fields nobody asked for, or be sent as a raw body with bytes
that are not UTF-8.
"""

from __future__ import annotations

import datetime
import io
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import strategies as st

from tests.fuzz.fields import Field

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e\u200b\ufeff",  # direction marks, zero-width space, BOM
    "e" + "\u0301" * 300,  # a pile of combining accents
    "Z\u0334\u0321\u0322\u0347\u0344a\u0337l\u0338g\u0336o",
    "\U0001f600" * 50,
    "\uffff\ufffe",
    "<script>alert(1)</script>",
    "' OR '1'='1' --",
    '=HYPERLINK("http://x")',
    "@SUM(1+1)",
    "\r\n\r\n",
    "\t",
    "-1",
    "0",
    "00000",
    "1.5",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "9" * 40,
    "-" + "9" * 40,
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "0x10",
    "\uff11\uff12",  # full-width digits
    "\u0663",  # an Arabic-Indic digit
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "%00",
    "../../../../etc/passwd",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-0001-01-01",
    "31/12/2026",
    "2026-01-01T25:00",
    "24:00",
    "23:59:60",
    "99:99",
    "a" * 5000,
]


def texts(max_length: int | None = None):
    limit = max_length or 80
    return st.one_of(
        st.text(max_size=min(limit, 200)),
        # At and just past the limit, built from a short random piece.
        st.builds(
            lambda piece, over: ((piece or "x") * (limit + 1))[: limit + over],
            st.text(min_size=1, max_size=5),
            st.integers(0, 2),
        ),
        # Controls (NUL included), combining marks, format and direction characters.
        st.text(alphabet=st.characters(categories=["Cc", "Cf", "Mn", "Zl", "Zp"]), max_size=20),
    )


junk = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers().map(str))

dates = st.one_of(
    # Mostly near now, where the rules live; sometimes anywhere in the calendar.
    st.integers(-800, 400).map(lambda d: timezone.localdate() + datetime.timedelta(d)),
    st.dates(),
).map(lambda d: d.isoformat())
uk_dates = st.dates().map(lambda d: d.strftime("%d/%m/%Y"))
numbers = st.one_of(
    st.integers(-5, 200).map(str),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.decimals(min_value=0, max_value=1000, places=2).map(str),
)


def typed(f: Field, foreign_ids: list[int]):
    """One value of the field's own kind: often valid, sometimes at its edges."""
    kind = f.kind
    known = st.sampled_from(f.choices) if f.choices else None
    ids = st.one_of(st.sampled_from(foreign_ids), st.integers(-1, 10**6).map(str))
    if kind in ("choice", "multichoice", "submit") and known is not None:
        return known
    if kind in ("model", "multimodel"):
        return st.one_of(known, ids.map(str)) if known is not None else ids.map(str)
    if kind == "bool":
        return st.sampled_from(["on", "true", "false", "0", "1", "", "off", "yes"])
    if kind == "date":
        return st.one_of(dates, uk_dates)
    if kind == "time":
        return st.times().map(lambda t: t.isoformat(timespec="minutes"))
    if kind == "datetime":
        return st.datetimes().map(lambda t: t.isoformat(timespec="minutes"))
    if kind == "int":
        return st.one_of(st.integers(-5, 2000).map(str), st.integers().map(str))
    if kind == "decimal":
        return numbers
    if kind == "hidden" and f.initial:
        return st.one_of(st.sampled_from(f.initial), ids.map(str), junk)
    if kind == "email":
        emails = st.one_of(st.emails(), texts(f.max_length))
        return st.one_of(known, emails) if known is not None else emails
    return st.one_of(known, texts(f.max_length)) if known is not None else texts(f.max_length)


def anything(f: Field, foreign_ids: list[int]):
    return st.one_of(typed(f, foreign_ids), junk, st.sampled_from(foreign_ids).map(str))


def values(f: Field, foreign_ids: list[int], *, any_kind: bool = False):
    """A field's list of values: usually one, sometimes none or several (repeated keys)."""
    one = anything(f, foreign_ids) if any_kind else typed(f, foreign_ids)
    if f.kind in ("multichoice", "multimodel"):
        return st.lists(one, max_size=len(f.choices) + 2)
    return st.one_of(st.lists(one, min_size=1, max_size=1), st.lists(one, max_size=3))


# --- Files

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32

file_names = st.one_of(
    st.sampled_from(
        [
            "receipt.pdf",
            "photo.png",
            "scan.jpg",
            "people.csv",
            "../../../etc/passwd",
            "a\x00.pdf",
            ".pdf",
            "x" * 300 + ".pdf",
            "receipt.pdf.exe",
            "\u202etxt.exe",
        ]
    ),
    st.text(min_size=1, max_size=40).filter(lambda n: n.strip("\x00") and "/" not in n),
)
content_types = st.sampled_from(
    ["application/pdf", "image/png", "image/jpeg", "text/csv", "application/octet-stream", ""]
)
blobs = st.one_of(
    st.sampled_from([PDF, PNG, JPEG, b"", b"\x00" * 64, b"%PDF", b"\xff" * 10]),
    st.binary(max_size=2000),
    st.builds(lambda head, tail: head + tail, st.sampled_from([PDF, PNG, JPEG]), st.binary()),
)


def uploads(contents=blobs):
    return st.builds(
        lambda name, content, ctype: SimpleUploadedFile(name, content, content_type=ctype),
        file_names,
        contents,
        content_types,
    )


def csv_texts(columns: list[str], foreign_ids: list[int]):
    """CSV files that look like an import: some real columns, junk cells, odd encodings."""
    cell = st.one_of(
        st.text(max_size=30),
        junk,
        st.emails(),
        dates,
        uk_dates,
        st.sampled_from(["sessional", "employed", "volunteer", "bank", ""]),
    )

    @st.composite
    def build(draw):
        header = draw(
            st.lists(st.one_of(st.sampled_from(columns), st.text(max_size=12)), max_size=10)
        )
        rows = draw(st.lists(st.lists(cell, max_size=len(header) + 2), max_size=8))
        out = io.StringIO()
        out.write(",".join(_csv_cell(h) for h in header) + "\n")
        for row in rows:
            out.write(",".join(_csv_cell(c) for c in row) + draw(st.sampled_from(["\n", "\r\n"])))
        text = out.getvalue()
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
        data = text.encode(encoding, errors="replace")
        if draw(st.booleans()):
            # Broken on purpose: a NUL, a lone continuation byte, a truncated file.
            data = draw(
                st.sampled_from(
                    [data + b"\x00", data + b"\x80", data[: len(data) // 2], b"\xef\xbb\xbf"]
                )
            )
        return data

    @st.composite
    def plausible(draw):
        # The right header in some order, rows mostly well formed: gets past the file checks
        # to the row checks and, when every row is right, to the import itself.
        optional = [c for c in columns if c not in ("full_name", "email")]
        header = ["full_name", "email"] + draw(st.lists(st.sampled_from(optional), unique=True))
        header = draw(st.permutations(header))
        good = {
            "full_name": st.text(min_size=1, max_size=40),
            "email": st.emails(),
            "engagement_type": st.sampled_from(["sessional", "employed", "volunteer", "Bank"]),
            "start_date": st.one_of(dates, uk_dates),
        }
        rows = draw(
            st.lists(
                st.fixed_dictionaries(
                    {c: st.one_of(good.get(c, st.text(max_size=30)), junk) for c in header}
                ),
                max_size=6,
            )
        )
        out = io.StringIO()
        out.write(",".join(header) + "\n")
        for row in rows:
            out.write(",".join(_csv_cell(row[c]) for c in header) + "\n")
        return out.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])), "replace")

    return st.one_of(plausible(), build(), blobs)


def _csv_cell(value: str) -> str:
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


# --- Whole submissions


def submissions(fields: dict[str, Field], base: dict, foreign_ids: list[int], files: dict):
    """(data, raw): the POST data as a dict of lists (files included), or a raw body."""
    # Built once per form, not per example.
    kinds = {name: typed(f, foreign_ids) for name, f in fields.items()}
    any_values = {name: values(f, foreign_ids, any_kind=True) for name, f in fields.items()}
    return _submissions(fields, base, kinds, any_values, files)


@st.composite
def _submissions(draw, fields, base, kinds, any_values, files):
    names = sorted(n for n in fields if fields[n].kind != "file")
    mode = draw(st.sampled_from(["tweak", "tweak", "mutate", "chaos"]))
    if mode == "chaos":
        data = {}
        for name in names:
            if draw(st.booleans()):
                data[name] = draw(any_values[name])
    else:
        data = {name: list(v) for name, v in base.items()}
        if names:
            if mode == "tweak":
                chosen = draw(st.lists(st.sampled_from(names), unique=True))
            else:
                chosen = draw(st.lists(st.sampled_from(names), unique=True, min_size=1, max_size=3))
            for name in chosen:
                if mode == "tweak":
                    data[name] = [draw(kinds[name])]
                    continue
                how = draw(st.sampled_from(["drop", "junk", "typed", "many", "empty"]))
                if how == "drop":
                    data.pop(name, None)
                elif how == "junk":
                    data[name] = [draw(junk)]
                elif how == "typed":
                    data[name] = [draw(kinds[name])]
                elif how == "many":
                    data[name] = draw(any_values[name])
                else:
                    data[name] = [""]
    if draw(st.integers(0, 4)) == 0:
        extra = draw(
            st.dictionaries(
                st.text(min_size=1, max_size=20),
                st.lists(junk, min_size=1, max_size=2),
                max_size=3,
            )
        )
        for name, value in extra.items():
            data.setdefault(name, value)
    flood = draw(st.integers(0, 99))
    if flood == 0:
        # More fields than Django parses (DATA_UPLOAD_MAX_NUMBER_FIELDS, 1000 by default).
        data.update({f"f{i}": ["1"] for i in range(1100)})
    elif flood == 1:
        # A body past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default) in one field.
        data[draw(st.sampled_from(names or ["x"]))] = ["x" * 2_700_000]
    data = {k: v for k, v in data.items() if v != []}
    for name, strategy in files.items():
        if draw(st.integers(0, 5)) > 0:
            data[name] = draw(strategy)
    raw = None
    if not files and draw(st.integers(0, 9)) == 0:
        raw = _raw_body(data, draw(st.sampled_from([b"%ff%fe", b"%c0%af", b"\xff\xfe", b"%"])))
    return data, raw


def _raw_body(data: dict, poison: bytes) -> bytes:
    """The form URL-encoded by hand, with bytes no browser sends appended to a value."""
    parts = []
    for name, value_list in data.items():
        for value in value_list:
            parts.append(f"{quote(name)}={quote(str(value))}".encode())
    parts.append(b"poison=" + poison)
    if parts[:-1]:
        parts[0] = parts[0] + poison
    return b"&".join(parts)

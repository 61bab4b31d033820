"""Reading a CSV file of people: every row checked before anything is written.

Pure: no database writes here. `parse()` either refuses the whole file with one plain-English
reason (`ImportFileError`), or returns the rows it understood and a list of per-row problems
(row number as a spreadsheet shows it, column, problem).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from workforce.platform.base import WorkforceError
from workforce.register.models import Person

MAX_BYTES = 2 * 1024 * 1024  # 2 MB: about 10,000 people, far more than one organisation
MAX_ROWS = 5000

REQUIRED = ["full_name", "email"]
OPTIONAL = [
    "preferred_name",
    "pronouns",
    "phone",
    "engagement_type",
    "start_date",
    "payee_reference",
]
COLUMNS = REQUIRED + OPTIONAL
MAX_LENGTHS = {name: Person._meta.get_field(name).max_length for name in COLUMNS}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class ImportFileError(WorkforceError):
    """The file as a whole cannot be read: nothing in it was looked at further."""


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    problem: str


@dataclass
class PersonRow:
    row: int
    values: dict = field(default_factory=dict)  # only the cells that were filled in

    @property
    def email(self) -> str:
        return self.values["email"]


@dataclass
class ParsedFile:
    rows: list[PersonRow]
    errors: list[RowError]


def template_csv() -> str:
    """A header row and one example, offered for download on the upload page."""
    example = {
        "full_name": "Alex Example",
        "email": "alex.example@example.org",
        "preferred_name": "Alex",
        "pronouns": "they/them",
        "phone": "07700 900123",
        "engagement_type": "sessional",
        "start_date": "2026-01-05",
        "payee_reference": "",
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerow(example)
    return out.getvalue()


def _normalise_header(cell: str) -> str:
    return cell.strip().lower().replace(" ", "_").replace("-", "_")


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files and import each."
        )
    if not data.strip():
        raise ImportFileError("The file is empty.")
    if b"\x00" in data:
        raise ImportFileError(
            "This does not look like a CSV file (it contains binary data). "
            "In your spreadsheet, use “Save as” and choose “CSV UTF-8 (comma delimited)”."
        )
    try:
        # utf-8-sig also accepts the byte-order mark Excel puts at the start.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"The file is not UTF-8 text (unreadable byte at position {exc.start}). "
            "In your spreadsheet, use “Save as” and choose “CSV UTF-8 (comma delimited)”."
        ) from exc


def _engagement_type(raw: str) -> str | None:
    wanted = raw.strip().lower()
    for value, label in Person.EngagementType.choices:
        if wanted in (value, label.lower()):
            return value
    return None


def _date(raw: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw.strip(), fmt).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    return None


def _check_cell(name: str, raw: str, row: int, errors: list[RowError]):
    """The cleaned value of one filled-in cell, or None after adding an error."""
    value = raw.strip()
    if MAX_LENGTHS.get(name) and len(value) > MAX_LENGTHS[name]:
        errors.append(RowError(row, name, f"Longer than {MAX_LENGTHS[name]} characters."))
        return None
    if name == "email":
        try:
            validate_email(value)
        except ValidationError:
            errors.append(RowError(row, name, f"“{value}” is not a valid email address."))
            return None
        return value
    if name == "engagement_type":
        found = _engagement_type(value)
        if found is None:
            allowed = ", ".join(Person.EngagementType.values)
            errors.append(
                RowError(row, name, f"“{value}” is not an engagement type; use one of: {allowed}.")
            )
        return found
    if name == "start_date":
        found = _date(value)
        if found is None:
            errors.append(
                RowError(
                    row, name, f"“{value}” is not a date; write it as 2026-01-31 or 31/01/2026."
                )
            )
        return found
    return value


def parse(data: bytes) -> ParsedFile:
    text = _decode(data)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise ImportFileError(
                "The first row must be a header naming the columns, e.g. " + ",".join(COLUMNS) + "."
            )
        columns = [_normalise_header(cell) for cell in header]
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            raise ImportFileError(
                "The first row must be a header naming the columns; it has no "
                + " or ".join(missing)
                + f" column. Expected columns: {', '.join(COLUMNS)}."
            )
        unknown = [name for name in columns if name and name not in COLUMNS]
        if unknown:
            raise ImportFileError(
                f"Unknown column(s) in the header: {', '.join(unknown)}. "
                f"The columns this import understands are: {', '.join(COLUMNS)}."
            )
        repeated = sorted({name for name in columns if name and columns.count(name) > 1})
        if repeated:
            raise ImportFileError(f"The header names these columns twice: {', '.join(repeated)}.")

        rows: list[PersonRow] = []
        errors: list[RowError] = []
        seen_emails: dict[str, int] = {}
        counted = 0
        for line in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in line):
                continue  # blank lines, often at the end of a spreadsheet's export
            counted += 1
            if counted > MAX_ROWS:
                raise ImportFileError(
                    f"The file has more than {MAX_ROWS} people; split it into smaller files."
                )
            if len(line) > len(columns):
                errors.append(
                    RowError(number, "", "This row has more cells than the header has columns.")
                )
                continue
            before = len(errors)
            values = {}
            for name, raw in zip(columns, line, strict=False):
                if not name or not raw.strip():
                    continue
                cleaned = _check_cell(name, raw, number, errors)
                if cleaned is not None:
                    values[name] = cleaned
            for name in REQUIRED:
                if not any(e.row == number and e.column == name for e in errors[before:]) and (
                    name not in values
                ):
                    errors.append(RowError(number, name, "Required, but empty."))
            email = values.get("email", "").lower()
            if email:
                if email in seen_emails:
                    errors.append(
                        RowError(
                            number,
                            "email",
                            f"The same email is already in row {seen_emails[email]}; "
                            "each person must appear once.",
                        )
                    )
                else:
                    seen_emails[email] = number
            if len(errors) == before:
                rows.append(PersonRow(row=number, values=values))
    except csv.Error as exc:
        raise ImportFileError(f"The file could not be read as CSV: {exc}.") from exc
    if not rows and not errors:
        raise ImportFileError("The file has a header but no people in it.")
    return ParsedFile(rows=rows, errors=errors)

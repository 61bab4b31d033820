"""A report's tables and how a cell is written: plain data, apart from the queries that
fill them, so the template tags that draw tables and charts import nothing that queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Chart:
    """Which column labels the bars and which (numeric) columns are the bars' lengths."""

    label: int
    values: tuple[int, ...]
    unit: str = ""


@dataclass
class Table:
    key: str
    title: str
    description: str
    headers: list[str]
    rows: list[list]
    chart: Chart | None = None
    note: str = ""

    def csv_rows(self) -> Iterator[list]:
        for row in self.rows:
            yield [self.title, *row]


def cell_text(value) -> str:
    """One way to write a value, on the page and in the CSV."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)

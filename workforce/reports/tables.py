"""A report's tables and how a cell is written: plain data, apart from the queries that
fill them, so the template tags that draw tables and charts import nothing that queries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from workforce.platform.cells import cell_text  # noqa: F401 - the reports and their tags write cells so


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
    # What a page shows for a cell with no value (the CSV leaves it empty).
    blank: str = "Not recorded"

    def csv_rows(self) -> Iterator[list]:
        for row in self.rows:
            yield [self.title, *row]

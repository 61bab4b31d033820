"""Read a report back the way a person would: the tables on the page and the CSV rows."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

from django.urls import reverse


class _Tables(HTMLParser):
    """{caption: [[cell text, ...] per body row]} of every report table on a page."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = None
        self._in_caption = False
        self._in_body = False
        self._row = None
        self._cell = None
        self._empty = False

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self._in_caption, self._caption = True, ""
        elif tag == "tbody":
            self._in_body = True
            self.tables[self._caption] = []
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""
            # A cell with no value says so in words (Table.blank): read as the CSV has it.
            self._empty = any(name == "data-empty" for name, _ in attrs)

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
            self._caption = self._caption.strip().removeprefix("Figures: ")
        elif tag == "tbody":
            self._in_body = False
        elif tag == "tr" and self._row is not None:
            self.tables[self._caption].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append("" if self._empty else self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell += data


def html_tables(html: str) -> dict[str, list[list[str]]]:
    """{caption: body rows} of every captioned table in `html`."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def page_tables(client, slug: str, params: dict | None = None) -> dict[str, list[list[str]]]:
    response = client.get(reverse(f"reports:{slug}"), params or {})
    assert response.status_code == 200
    return html_tables(response.content.decode())


def csv_rows(client, slug: str, params: dict | None = None) -> list[list[str]]:
    response = client.get(reverse(f"reports:{slug}_csv"), params or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def csv_tables(client, slug: str, params: dict | None = None) -> dict[str, list[list[str]]]:
    """The CSV grouped by its first column (the table's title), header rows dropped, and
    neutralised cells turned back into what the page shows."""
    tables: dict[str, list[list[str]]] = {}
    for row in csv_rows(client, slug, params):
        if row[0] == "Table":
            continue
        cells = [c[1:] if c[:2] in ("'=", "'+", "'-", "'@") else c for c in row[1:]]
        tables.setdefault(row[0], []).append(cells)
    return tables


def table(tables: dict, title_start: str) -> list[list[str]]:
    if title_start in tables:
        return tables[title_start]
    matches = [rows for title, rows in tables.items() if title.startswith(title_start)]
    assert len(matches) == 1, f"{title_start!r} in {list(tables)}"
    return matches[0]

"""The report tables' body rows are written by a template tag (`table_rows`): the same bytes
the template loop it replaced gave, for every kind of cell."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils.safestring import mark_safe

from workforce.reports.common import Table

# The loop as report.html had it.
LOOP = (
    "{% load reports_tags %}<tbody>\n"
    "          {% for row in table.rows %}\n"
    '            <tr>{% for value in row %}{% if forloop.first %}<th scope="row" '
    'class="fw-normal">{{ value|cell }}</th>{% else %}<td{% if value|numeric %} '
    'class="text-end"{% endif %}>{{ value|cell }}</td>{% endif %}{% endfor %}</tr>\n'
    "          {% endfor %}\n"
    "          </tbody>"
)
TAG = "{% load reports_tags %}<tbody>\n          {% table_rows table %}\n          </tbody>"


def _render(source: str, rows: list[list]) -> str:
    table = Table("t", "Title", "", ["A", "B"], rows)
    return Template(source).render(Context({"table": table}))


def test_the_same_bytes_as_the_template_loop():
    rows = [
        ['<b>"Tom" & Jerry\'s</b>', 3, Decimal("12.50"), None, True, 2.5, ""],
        [datetime.date(2026, 4, 6), Decimal("0.00"), "fewer than 5", mark_safe("<i>x</i>")],
        [7, -1, Decimal("-3.1"), '=HYPERLINK("http://x")', datetime.date(2025, 1, 1)],
        [None],
    ]
    assert _render(TAG, rows) == _render(LOOP, rows)
    assert _render(TAG, []) == _render(LOOP, [])
    assert "&lt;b&gt;&quot;Tom&quot; &amp; Jerry&#x27;s&lt;/b&gt;" in _render(TAG, rows)

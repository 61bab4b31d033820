"""Server-side charts and report tables, drawn from tables the views already built."""

from __future__ import annotations

import html
import textwrap
from decimal import Decimal

from django import template
from django.utils.safestring import SafeString, mark_safe

from workforce.platform.cells import cell_text
from workforce.reports.tables import Table

register = template.Library()

WIDTH = 640
LABEL_WIDTH = 230
BAR_AREA = 340
BAR_HEIGHT = 18
GAP = 12
# A label wraps onto a second line rather than being cut: about 30 characters of 13 px
# text fit left of the axis. Longer still, the second line ends in "…" and the whole label
# is the group's tooltip (and always in the table beside the chart).
LINE_CHARS = 30
LINE_HEIGHT = 15
# NHS blue and NHS purple: both over 3:1 against white (WCAG 1.4.11) and distinct in greyscale.
COLOURS = ("#005eb8", "#330072")


@register.filter
def cell(value) -> str:
    """A table cell exactly as the CSV writes it (money and medians as plain decimals)."""
    return cell_text(value)


@register.filter
def numeric(value) -> bool:
    """Numbers line up on the right; words stay on the left."""
    return _number(value) is not None


def _escape(text: str) -> str:
    """What {{ text }} writes: conditional_escape without its per-call overhead (plain text
    escaped as django.utils.html.escape does it, anything marked safe left as it is)."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(text)


@register.simple_tag
def table_rows(table: Table) -> SafeString:
    """The table's body rows, the bytes the template loop

        {% for row in table.rows %}
            <tr>{% for value in row %}{% if value is None or value == "" %}{% if
            forloop.first %}<th scope="row" class="fw-normal" data-empty>{{ table.blank }}</th>
            {% else %}<td class="text-body-secondary" data-empty>{{ table.blank }}</td>{% endif
            %}{% elif forloop.first %}<th scope="row" class="fw-normal">{{ value|cell }}</th>{%
            else %}<td{% if value|numeric %} class="text-end"{% endif %}>{{ value|cell }}</td>{%
            endif %}{% endfor %}</tr>
        {% endfor %}

    gave (one line per row; a cell with no value says so in the table's `blank` words, and
    is marked data-empty), written in Python: a report of a few thousand rows has tens
    of thousands of cells, and the template engine's cost per cell was most of the page's
    time (the access review of a large trust, bench/README.md)."""
    parts = []
    for row in table.rows:
        cells = []
        for position, value in enumerate(row):
            if value is None or value == "":
                blank = _escape(table.blank)
                if position == 0:
                    cells.append(f'<th scope="row" class="fw-normal" data-empty>{blank}</th>')
                else:
                    cells.append(f'<td class="text-body-secondary" data-empty>{blank}</td>')
                continue
            text = _escape(cell_text(value))
            if position == 0:
                cells.append(f'<th scope="row" class="fw-normal">{text}</th>')
            elif _number(value) is not None:
                cells.append(f'<td class="text-end">{text}</td>')
            else:
                cells.append(f"<td>{text}</td>")
        parts.append("\n            <tr>" + "".join(cells) + "</tr>\n          ")
    return mark_safe("".join(parts))  # noqa: S308 - every cell is escaped above


def _number(value) -> float | None:
    # Only for drawing: lengths on screen, never a figure anyone reads.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _label_lines(label) -> tuple[list, str]:
    """(the label's lines, the whole label if they had to cut it, else "")."""
    if hasattr(label, "__html__"):  # already HTML: drawn as it is, never split mid-tag
        return [label], ""
    label = str(label)
    lines = textwrap.wrap(label, LINE_CHARS) or [label]
    if len(lines) <= 2:
        return lines, ""
    return [lines[0], _short(" ".join(lines[1:]), LINE_CHARS)], label


@register.inclusion_tag("reports/partials/chart.html")
def bar_chart(table: Table, prefix: str = "chart"):
    """A horizontal bar chart of `table`'s chart columns, drawn as SVG with a title and a
    description; the table itself is rendered beside it by the caller."""
    spec = table.chart
    series = [table.headers[i] for i in spec.values]
    numbers = [_number(row[i]) for row in table.rows for i in spec.values]
    top = max([n for n in numbers if n is not None] or [0])
    groups, y = [], GAP
    for row in table.rows:
        bars = []
        for position, index in enumerate(spec.values):
            value = _number(row[index])
            length = 0 if not value or top <= 0 else max(1, round(BAR_AREA * value / top))
            bars.append(
                {
                    "y": y + position * BAR_HEIGHT,
                    "text_y": y + position * BAR_HEIGHT + BAR_HEIGHT - 5,
                    "width": length,
                    "value_x": LABEL_WIDTH + length + 6,
                    "text": cell_text(row[index]) or "none",
                    "colour": COLOURS[position % len(COLOURS)],
                }
            )
        lines, whole = _label_lines(row[spec.label])
        groups.append(
            {
                "lines": [
                    {"y": y + BAR_HEIGHT - 5 + n * LINE_HEIGHT, "text": line}
                    for n, line in enumerate(lines)
                ],
                "title": whole,
                "bars": bars,
            }
        )
        y += max(BAR_HEIGHT * len(spec.values), LINE_HEIGHT * len(lines) + 3) + GAP
    legend_y = y + 4
    legend = (
        [
            {
                "x": LABEL_WIDTH + i * 170,
                "text_x": LABEL_WIDTH + i * 170 + 18,
                "name": name,
                "colour": COLOURS[i % len(COLOURS)],
            }
            for i, name in enumerate(series)
        ]
        if len(series) > 1
        else []
    )
    height = legend_y + (24 if legend else 0)
    highest = [
        str(row[spec.label])
        for row in table.rows
        if any(_number(row[i]) == top and top > 0 for i in spec.values)
    ]
    description = (
        f"Bar chart of {', '.join(series).lower()} by {table.headers[spec.label].lower()}, "
        f"{len(table.rows)} bars. "
        + (
            f"Largest: {', '.join(highest[:3])} ({cell_text(Decimal(str(top)).normalize())}"
            f"{' ' + spec.unit if spec.unit else ''}). "
            if highest
            else "Every value is zero. "
        )
        + "The table beside the chart has the same numbers."
    )
    return {
        "id": f"{prefix}-{table.key}",
        "title": table.title,
        "description": description,
        "groups_svg": _groups_svg(groups, LABEL_WIDTH - 8, LABEL_WIDTH),
        "legend": legend,
        "legend_y": legend_y,
        "width": WIDTH,
        "height": height,
        "label_x": LABEL_WIDTH - 8,
        "axis_x": LABEL_WIDTH,
    }


def _groups_svg(groups: list[dict], label_x: int, axis_x: int) -> SafeString:
    """The chart's bars, the bytes chart.html's loop over `groups` gave, written in Python
    (a chart of a few thousand people, the tax year's, cost the template engine most of a
    second):

        {% for group in groups %}
        <g>{% if group.title %}<title>{{ group.title }}</title>{% endif %}
          {% for line in group.lines %}
          <text x="{{ label_x }}" y="{{ line.y }}" ...>{{ line.text }}</text>
          {% endfor %}
          {% for bar in group.bars %}
          <rect x="{{ axis_x }}" y="{{ bar.y }}" width="{{ bar.width }}" height="16"
                fill="{{ bar.colour }}" class="wf-chart-bar"/>
          <text x="{{ bar.value_x }}" y="{{ bar.text_y }}" ...>{{ bar.text }}</text>
          {% endfor %}
        </g>
        {% endfor %}
    """
    parts = []
    for group in groups:
        title = f"<title>{_escape(group['title'])}</title>" if group["title"] else ""
        parts.append(f"\n  <g>{title}\n    ")
        for line in group["lines"]:
            parts.append(
                f'\n    <text x="{label_x}" y="{line["y"]}" text-anchor="end" '
                f'font-size="13" fill="#212b32">{_escape(line["text"])}</text>\n    '
            )
        for bar in group["bars"]:
            parts.append(
                f'\n    <rect x="{axis_x}" y="{bar["y"]}" width="{bar["width"]}" height="16" '
                f'fill="{bar["colour"]}" class="wf-chart-bar"/>\n    <text x="{bar["value_x"]}" '
                f'y="{bar["text_y"]}" font-size="12" fill="#212b32">{_escape(bar["text"])}'
                "</text>\n    "
            )
        parts.append("\n  </g>\n  ")
    return mark_safe("".join(parts))  # noqa: S308 - the labels and texts are escaped above

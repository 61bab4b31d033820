"""The report tables' body rows are written by a template tag (`table_rows`): the same bytes
the template loop it replaced gave, for every kind of cell."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils.safestring import mark_safe

from workforce.reports.common import Chart, Table

# The loop the tag stands for (report.html had it, before empty cells said so in words).
LOOP = (
    "{% load reports_tags %}<tbody>\n"
    "          {% for row in table.rows %}\n"
    '            <tr>{% for value in row %}{% if value is None or value == "" %}'
    '{% if forloop.first %}<th scope="row" class="fw-normal" data-empty>{{ table.blank }}</th>'
    '{% else %}<td class="text-body-secondary" data-empty>{{ table.blank }}</td>{% endif %}'
    '{% elif forloop.first %}<th scope="row" '
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
    # No value is said in words, never left blank.
    assert '<td class="text-body-secondary" data-empty>Not recorded</td>' in _render(TAG, rows)
    assert '<th scope="row" class="fw-normal" data-empty>Not recorded</th>' in _render(TAG, rows)


# chart.html as it was, with its loops over the label's lines and the bars.
OLD_CHART = (
    '<svg class="wf-chart" role="img" aria-labelledby="{{ id }}-title {{ id }}-desc" '
    'viewBox="0 0 {{ width }} {{ height }}" width="100%" preserveAspectRatio="xMinYMin meet" '
    'focusable="false">\n  <title id="{{ id }}-title">{{ title }}</title>\n  '
    '<desc id="{{ id }}-desc">{{ description }}</desc>\n  <line x1="{{ axis_x }}" '
    'x2="{{ axis_x }}" y1="0" y2="{{ legend_y }}" stroke="#4c6272" stroke-width="1"/>\n  '
    "{% for group in groups %}\n  <g>{% if group.title %}<title>{{ group.title }}</title>"
    "{% endif %}\n    {% for line in group.lines %}\n    "
    '<text x="{{ label_x }}" y="{{ line.y }}" text-anchor="end" font-size="13" '
    'fill="#212b32">{{ line.text }}</text>\n    {% endfor %}{% for bar in group.bars %}\n    '
    '<rect x="{{ axis_x }}" y="{{ bar.y }}" width="{{ bar.width }}" height="16" '
    'fill="{{ bar.colour }}" class="wf-chart-bar"/>\n    <text x="{{ bar.value_x }}" '
    'y="{{ bar.text_y }}" font-size="12" fill="#212b32">{{ bar.text }}</text>\n    '
    "{% endfor %}\n  </g>\n  {% endfor %}\n  {% for item in legend %}\n  "
    '<rect x="{{ item.x }}" y="{{ legend_y }}" width="12" height="12" fill="{{ item.colour }}" '
    'class="wf-chart-bar"/>\n  <text x="{{ item.text_x }}" y="{{ legend_y|add:11 }}" '
    'font-size="12" fill="#212b32">{{ item.name }}</text>\n  {% endfor %}\n</svg>\n'
)


def test_charts_are_the_same_bytes_as_the_template_loop(monkeypatch):
    from workforce.templatetags import reports_tags

    table = Table(
        "t",
        "Spend <by> person",
        "",
        ["Person", "Fees", "Total"],
        [
            ['<b>"Tom" & Jerry\'s long name that is cut short</b>', Decimal("12.50"), 3],
            [mark_safe("<i>x</i>"), Decimal("0.00"), None],
            ["fewer than 5", "fewer than 5", 1200],
            *[[f"Person {i}", Decimal(i), i * 7] for i in range(60)],
        ],
        Chart(0, (1, 2), "£"),
    )
    new = Template("{% load reports_tags %}{% bar_chart table %}").render(Context({"table": table}))
    captured = {}
    real = reports_tags._groups_svg

    def keep(groups, label_x, axis_x):
        captured["groups"] = groups
        return real(groups, label_x, axis_x)

    monkeypatch.setattr(reports_tags, "_groups_svg", keep)
    context = reports_tags.bar_chart(table)
    old = Template(OLD_CHART).render(Context({**context, "groups": captured["groups"]}))
    assert new == old
    assert "&lt;b&gt;&quot;Tom&quot;" in new and "<i>x</i>" in new

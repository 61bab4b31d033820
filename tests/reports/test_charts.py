"""The server-side SVG bar chart: an image with a name and description, one bar per
number, nothing for a hidden number, and no inline style or script (the site's CSP)."""

import re
from decimal import Decimal

from django.template import Context, Template
from django.urls import reverse

from workforce.reports.common import Chart, Table


def _render(table: Table) -> str:
    return Template("{% load reports_tags %}{% bar_chart table %}").render(
        Context({"table": table})
    )


def test_bars_title_description_and_hidden_cells():
    table = Table(
        "demo",
        "People by answer",
        "",
        ["Answer", "People"],
        [["Yes", 10], ["No", 5], ["Prefer not to say", "fewer than 5"]],
        Chart(0, (1,), "people"),
    )
    svg = _render(table)
    assert (
        '<svg class="wf-chart" role="img" aria-labelledby="chart-demo-title chart-demo-desc"' in svg
    )
    assert '<title id="chart-demo-title">People by answer</title>' in svg
    desc = re.search(r'<desc id="chart-demo-desc">(.*?)</desc>', svg).group(1)
    assert "3 bars" in desc and "Largest: Yes (10 people)" in desc
    widths = re.findall(r'<rect x="\d+" y="\d+" width="(\d+)"', svg)
    # The longest bar is the largest number; half the number, half the length; hidden: none.
    assert [int(w) for w in widths] == [340, 170, 0]
    assert "fewer than 5" in svg  # the words, where the bar would be
    assert "style=" not in svg and "<script" not in svg


def test_long_labels_wrap_and_a_label_too_long_even_so_keeps_its_whole_text():
    cut = "Being managed through supervision with the safeguarding lead and the team"
    table = Table(
        "why",
        "Incidents by outcome",
        "",
        ["Outcome", "Incidents"],
        [["Being managed through supervision", 4], [cut, 2], ["Closed", 1]],
        Chart(0, (1,), "incidents"),
    )
    svg = _render(table)
    labels = re.findall(r'<text x="222" y="(\d+)" text-anchor="end"[^>]*>([^<]*)</text>', svg)
    # Two lines, nothing lost, the second 15 px below the first.
    assert labels[:2] == [("25", "Being managed through"), ("40", "supervision")]
    # Too long for two lines: the second ends in an ellipsis, the whole label is the
    # group's title (a tooltip), and the bars below move down to make room.
    assert labels[2][1] == "Being managed through" and labels[3][1].endswith("…")
    assert len(labels[3][1]) <= 30
    assert f"<g><title>{cut}</title>" in svg
    assert svg.count("<title") == 2  # the chart's and the cut label's
    assert labels[4][1] == "Closed"
    bars = [int(y) for y in re.findall(r'<rect x="230" y="(\d+)"', svg)]
    assert bars == sorted(bars) and all(b - a >= 33 for a, b in zip(bars, bars[1:], strict=False))
    assert "supervision" in svg and "…" not in labels[1][1]


def test_two_series_get_a_legend_and_money_stays_exact():
    table = Table(
        "money",
        "Spend",
        "",
        ["Month", "Fees (£)", "Total (£)"],
        [["Jan 2026", Decimal("80.00"), Decimal("86.40")]],
        Chart(0, (1, 2), "£"),
    )
    svg = _render(table)
    assert svg.count('class="wf-chart-bar"') == 4  # two bars and two legend keys
    assert ">86.40<" in svg and ">80.00<" in svg
    assert "Fees (£)" in svg and "Total (£)" in svg


def test_report_pages_keep_the_content_security_policy(client, personas, register):
    client.force_login(personas["lead"])
    for slug in ("presence", "supervision", "payments", "diversity"):
        html = client.get(reverse(f"reports:{slug}"), register.params()).content.decode()
        assert "style=" not in html, slug
        assert "<script>" not in html and "<script " not in html.replace('<script src="', ""), slug
        assert 'role="region" tabindex="0"' in html

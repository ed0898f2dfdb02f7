"""The server-drawn charts (risk/charts.py): parsed as XML, their marks checked against the
numbers they were given."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from defusedxml.ElementTree import fromstring  # xml.etree's parser, without entities

from risk import charts
from risk.charts import LABEL_W, VALUE_W, WIDTH, ScoreBar, StackRow

NS = {"s": "http://www.w3.org/2000/svg"}
AREA = WIDTH - LABEL_W - VALUE_W


def parse(svg: str) -> ET.Element:
    root = fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "style" not in svg  # the CSP allows no inline style
    return root


def marks(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def width(e: ET.Element) -> float:
    return float(e.get("width"))


def test_band_bars_are_one_per_band_in_order_and_as_long_as_their_count():
    root = parse(charts.band_bars({"low": 12, "medium": 10, "high": 9, "critical": 5}))
    bars = marks(root, "r-bar")
    assert [b.get("data-band") for b in bars] == ["low", "medium", "high", "critical"]
    assert [int(b.get("data-count")) for b in bars] == [12, 10, 9, 5]
    assert [b.get("class") for b in bars] == [f"r-bar band-{b}" for b in
                                             ("low", "medium", "high", "critical")]
    # The largest band fills the track; the others are in proportion.
    assert width(bars[0]) == pytest.approx(AREA)
    for bar, n in zip(bars, (12, 10, 9, 5), strict=True):
        assert width(bar) == pytest.approx(AREA * n / 12, abs=0.01)
    # Rows go down the chart, and the figures say count and share of the scored.
    ys = [float(b.get("y")) for b in bars]
    assert ys == sorted(ys) and len(set(ys)) == 4
    values = [t.text for t in marks(root, "r-value")]
    assert values == ["12 · 33%", "10 · 28%", "9 · 25%", "5 · 14%"]
    assert "Medium (25 to 50): 10 suppliers, 28%" in [t.text for t in root.iter(
        "{http://www.w3.org/2000/svg}title")]


def test_band_bars_link_each_band_and_draw_an_empty_band_as_nothing():
    hrefs = {b: f"/suppliers?band={b}" for b in ("low", "medium", "high", "critical")}
    root = parse(charts.band_bars({"low": 0, "high": 4}, hrefs=hrefs))
    links = root.findall("s:a", NS)
    assert [a.get("href") for a in links] == list(hrefs.values())
    bars = {b.get("data-band"): b for b in marks(root, "r-bar")}
    assert width(bars["low"]) == 0 and width(bars["medium"]) == 0
    assert width(bars["high"]) == pytest.approx(AREA)


def test_band_bars_without_any_score_say_so():
    root = parse(charts.band_bars({}))
    assert not marks(root, "r-bar")
    assert marks(root, "r-note")[0].text == "No supplier has a score yet."


def test_trend_points_follow_the_calendar_and_the_values():
    start = date(2026, 9, 1)
    points = [(start, 50.0), (start + timedelta(days=10), 25.0), (start + timedelta(days=40),
                                                                    75.0)]
    root = parse(charts.trend_line(points, title="Mean", y_max=100, zones=True))
    circles = marks(root, "r-point")
    assert [c.get("data-day") for c in circles] == ["2026-09-01", "2026-09-11", "2026-10-11"]
    assert [float(c.get("data-value")) for c in circles] == [50.0, 25.0, 75.0]
    xs = [float(c.get("cx")) for c in circles]
    ys = [float(c.get("cy")) for c in circles]
    left, right = charts.PAD_L, WIDTH - charts.PAD_R
    top, bottom = charts.PAD_T, charts.TREND_H - charts.PAD_B
    assert xs[0] == pytest.approx(left) and xs[-1] == pytest.approx(right)
    # x is the calendar: 10 days of 40 is a quarter of the width, not a third (one step).
    assert (xs[1] - xs[0]) / (xs[2] - xs[0]) == pytest.approx(0.25, abs=0.01)
    # y runs from 0 at the bottom to 100 at the top.
    for y, v in zip(ys, (50.0, 25.0, 75.0), strict=True):
        assert y == pytest.approx(bottom - (bottom - top) * v / 100, abs=0.01)
    # The line goes through the points, in order.
    line = marks(root, "r-line")[0]
    pairs = [float(v) for p in line.get("points").split() for v in p.split(",")]
    assert pairs == pytest.approx([v for xy in zip(xs, ys, strict=True) for v in xy])
    # The four bands are shaded, each between its floors.
    zones = {z.get("class").split()[1]: z for z in marks(root, "r-zone")}
    assert set(zones) == {"band-low", "band-medium", "band-high", "band-critical"}
    step = (bottom - top) / 4
    assert all(float(z.get("height")) == pytest.approx(step, abs=0.01) for z in zones.values())
    assert float(zones["band-critical"].get("y")) == pytest.approx(top)


def test_trend_of_counts_gets_a_round_axis_and_whole_numbers():
    day = date(2026, 11, 1)
    root = parse(charts.trend_line([(day, 3), (day + timedelta(days=1), 7)],
                                   title="High or critical", unit="suppliers", digits=0))
    axis = [t.text for t in marks(root, "r-axis")][:6]
    assert axis == ["0", "2", "4", "6", "8", "10"]  # 7 rounds up to 0-10, in whole steps
    small = parse(charts.trend_line([(day, 1)], title="One", digits=0))
    assert [t.text for t in marks(small, "r-axis")][:6] == ["0", "1", "2", "3", "4", "5"]
    titles = [c.find("s:title", NS).text for c in marks(root, "r-point")]
    assert titles == ["01 Nov 2026: 3 suppliers", "02 Nov 2026: 7 suppliers"]


def test_one_day_of_history_is_one_point_in_the_middle_and_none_is_a_note():
    root = parse(charts.trend_line([(date(2026, 11, 1), 40.0)], title="Mean", y_max=100))
    (circle,) = marks(root, "r-point")
    assert float(circle.get("cx")) == pytest.approx(
        charts.PAD_L + (WIDTH - charts.PAD_L - charts.PAD_R) / 2)
    assert not marks(root, "r-line")
    empty = parse(charts.trend_line([], title="Mean"))
    assert not marks(empty, "r-point") and marks(empty, "r-note")


def test_stacked_bars_split_each_tier_by_band_and_show_the_unscored_rest():
    rows = [StackRow("Tier 1", 20, {"low": 8, "medium": 6, "high": 4, "critical": 1}, key="1"),
            StackRow("Tier 2", 12, {"low": 3, "medium": 3, "high": 4, "critical": 2}, key="2"),
            StackRow("Not connected", 1, {"critical": 1}, key="none", href="/suppliers?tier=none")]
    root = parse(charts.stacked_bars(rows, title="By tier"))
    segs = marks(root, "r-seg")
    by_row: dict[str, list[ET.Element]] = {}
    for s in segs:
        by_row.setdefault(s.get("data-key"), []).append(s)
    assert [(s.get("data-band"), int(s.get("data-count"))) for s in by_row["1"]] == [
        ("low", 8), ("medium", 6), ("high", 4), ("critical", 1), ("none", 1)]
    assert [s.get("data-band") for s in by_row["none"]] == ["critical"]  # all scored
    unit = AREA / 20  # the longest row (20 suppliers) fills the track
    for key, segments in by_row.items():
        for s in segments:
            assert width(s) == pytest.approx(unit * int(s.get("data-count")), abs=0.01), key
        # Segments touch, lowest band first, starting at the track's start.
        x = float(LABEL_W)
        for s in segments:
            assert float(s.get("x")) == pytest.approx(x, abs=0.01)
            x += width(s)
    assert sum(width(s) for s in by_row["2"]) == pytest.approx(unit * 12, abs=0.05)
    assert root.findall("s:a", NS)[0].get("href") == "/suppliers?tier=none"
    assert [t.text for t in marks(root, "r-value")] == [
        "20 suppliers", "12 suppliers", "1 supplier"]


def test_score_bars_are_on_a_fixed_scale_and_coloured_by_band():
    rows = [ScoreBar("Myanmar", 77.0, key="MM"), ScoreBar("China", 58.4, key="CN"),
            ScoreBar("Bangladesh", 36.1), ScoreBar("Germany", 8.5), ScoreBar("Odd", 140.0)]
    root = parse(charts.score_bars(rows, title="By country"))
    bars = marks(root, "r-bar")
    assert [b.get("data-band") for b in bars] == ["critical", "high", "medium", "low",
                                                 "critical"]
    for bar, score in zip(bars, (77.0, 58.4, 36.1, 8.5, 100.0), strict=True):
        assert width(bar) == pytest.approx(AREA * score / 100, abs=0.01)
        assert float(bar.get("data-value")) == score
    assert [t.text for t in marks(root, "r-value")] == ["77.0", "58.4", "36.1", "8.5", "100.0"]


def test_text_is_escaped_so_a_supplier_name_cannot_break_the_markup():
    name = 'Evil <script>alert(1)</script> & "Co"'
    svg = charts.score_bars([ScoreBar(name, 50.0, href='/x?a=1&b="2"')], title=name)
    root = parse(svg)  # well-formed
    assert "<script>" not in svg
    assert marks(root, "r-label")[0].text == name
    assert root.findall("s:a", NS)[0].get("href") == '/x?a=1&b="2"'
    assert root.get("aria-label") == name


@pytest.mark.parametrize(("value", "digits", "shown"), [
    (1234, 1, "1,234"), (41.25, 1, "41.2"), (41.26, 1, "41.3"), (7.0, 0, "7"), (None, 1, "—"),
    (float("nan"), 1, "—"),
])
def test_numbers_are_formatted_for_reading(value, digits, shown):
    assert charts.number(value, digits) == shown


def test_band_ranges_follow_the_weights_table():
    assert charts.BAND_RANGES == {"low": "below 25", "medium": "25 to 50",
                                  "high": "50 to 75", "critical": "75 and above"}


def test_a_factors_points_bar_is_its_share_of_the_largest_factor():
    full, half, none = (parse(charts.points_bar(p, 30.0)) for p in (30.0, 15.0, 0.0))
    assert [width(marks(r, "r-points")[0]) for r in (full, half, none)] == [100.0, 50.0, 0.0]
    assert width(marks(parse(charts.points_bar(5.0, 0.0)), "r-points")[0]) == 0.0
    assert full.get("aria-hidden") == "true"  # the points are in the table's text

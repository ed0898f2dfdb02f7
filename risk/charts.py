"""The risk pages' charts, drawn on the server as SVG (pure: no Flask, no session).

Each function takes plain numbers and returns the markup of one `<svg>` element. No inline
style and no script (the Content-Security-Policy allows neither): sizes are SVG attributes,
colours come from classes (`band-low` ... `band-critical`, styled in css/tierlight.css and
css/risk.css), so a band has the same colour in every chart, badge and the network view.

Every mark carries its numbers as data attributes (`data-band`, `data-count`, `data-value`,
`data-day`) and a `<title>` a screen reader and a hovering mouse both read; the tests parse
the SVG and check the marks against the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from risk.weights import BAND_FLOORS, BANDS, band

BAND_LABELS = {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}
# "Low (below 25)", ... from the method's own floors, so the legend follows the weights table.
_FLOORS = {name: floor for floor, name in BAND_FLOORS}
BAND_RANGES = {
    "low": f"below {_FLOORS['medium']:g}",
    "medium": f"{_FLOORS['medium']:g} to {_FLOORS['high']:g}",
    "high": f"{_FLOORS['high']:g} to {_FLOORS['critical']:g}",
    "critical": f"{_FLOORS['critical']:g} and above",
}

WIDTH = 560
ROW = 30  # height of one bar's row
BAR = 18  # thickness of a bar
LABEL_W = 130  # the label column of horizontal bar charts
VALUE_W = 100  # the figures at the end of each bar


def number(value: float | int | None, digits: int = 1) -> str:
    """1,234 for counts, 43.2 for scores; an em dash for nothing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _a(value: object) -> str:
    return escape(str(value), quote=True)


def _svg(kind: str, height: float, title: str, body: list[str], width: int = WIDTH) -> str:
    return (f'<svg class="r-chart r-{kind}" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'viewBox="0 0 {width} {_f(height)}" width="{width}" height="{_f(height)}" '
            f'aria-label="{_a(title)}"><title>{escape(title)}</title>{"".join(body)}</svg>')


def _f(x: float) -> str:
    """Coordinates with two decimals at most, without trailing zeros."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, cls: str, anchor: str = "start") -> str:
    return (f'<text class="{cls}" x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}">'
            f"{escape(text)}</text>")


def _suppliers(n: int) -> str:
    return f"{number(n)} supplier{'' if n == 1 else 's'}"


def _link(href: str | None, inner: str, label: str) -> str:
    if not href:
        return inner
    return f'<a href="{_a(href)}" aria-label="{_a(label)}">{inner}</a>'


def empty(title: str, message: str) -> str:
    """A chart with nothing to draw: its frame and a sentence saying why."""
    return _svg("empty", 60, title, [_text(WIDTH / 2, 34, message, "r-note", "middle")])


# --- suppliers by band -------------------------------------------------------------------


def band_bars(bands: Mapping[str, int], *, hrefs: Mapping[str, str] | None = None,
              title: str = "Suppliers by risk band") -> str:
    """One horizontal bar per band, lowest first; lengths relative to the largest band."""
    counts = {b: max(int(bands.get(b) or 0), 0) for b in BANDS}
    total = sum(counts.values())
    if not total:
        return empty(title, "No supplier has a score yet.")
    longest = max(counts.values())
    area = WIDTH - LABEL_W - VALUE_W
    body = []
    for i, name in enumerate(BANDS):
        n = counts[name]
        y = i * ROW + (ROW - BAR) / 2
        w = area * n / longest
        share = 100 * n / total
        tip = f"{BAND_LABELS[name]} ({BAND_RANGES[name]}): {_suppliers(n)}, {share:.0f}%"
        bar = (f'<rect class="r-track" x="{LABEL_W}" y="{_f(y)}" width="{_f(area)}" '
               f'height="{BAR}"></rect>'
               f'<rect class="r-bar band-{name}" x="{LABEL_W}" y="{_f(y)}" width="{_f(w)}" '
               f'height="{BAR}" data-band="{name}" data-count="{n}"><title>{escape(tip)}</title>'
               f"</rect>")
        row = (_text(0, y + BAR - 4, BAND_LABELS[name], "r-label")
               + bar + _text(LABEL_W + area + 8, y + BAR - 4,
                             f"{number(n)} · {share:.0f}%", "r-value"))
        body.append(_link((hrefs or {}).get(name), f"<g>{row}</g>", tip))
    return _svg("bands", len(BANDS) * ROW, title, body)


# --- a trend over days -------------------------------------------------------------------

TREND_H = 220
PAD_L, PAD_R, PAD_T, PAD_B = 44, 16, 12, 30


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 x 10^k at or above value (an axis that ends on a round number)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def trend_line(points: Sequence[tuple[date, float]], *, title: str, y_max: float | None = None,
               zones: bool = False, unit: str = "", digits: int = 1) -> str:
    """A line over days: x is the calendar (gaps in the days stay gaps), y runs from 0 to
    `y_max` (default: a round number above the largest value). `zones` shades the four
    bands behind a 0-100 score; `digits` are the decimals of the values in the tooltips."""
    points = sorted((d, float(v)) for d, v in points if v is not None and math.isfinite(v))
    if not points:
        return empty(title, "No history yet: the trend starts with the first computed day.")
    top = y_max if y_max is not None else _nice_ceiling(max(v for _d, v in points))
    if digits == 0:
        top = max(top, 5.0)  # whole numbers: five steps of a whole number each
    plot_w = WIDTH - PAD_L - PAD_R
    plot_h = TREND_H - PAD_T - PAD_B
    first, last = points[0][0], points[-1][0]
    span = (last - first).days

    def x(day: date) -> float:
        return PAD_L + (plot_w / 2 if span == 0 else plot_w * (day - first).days / span)

    def y(value: float) -> float:
        return PAD_T + plot_h * (1 - min(max(value, 0.0), top) / top)

    body = []
    if zones:
        for name in BANDS:
            low = _FLOORS[name]
            high = min((f for f in _FLOORS.values() if f > low), default=top)
            if low >= top:
                continue
            body.append(f'<rect class="r-zone band-{name}" x="{PAD_L}" y="{_f(y(high))}" '
                        f'width="{plot_w}" height="{_f(y(low) - y(high))}"></rect>')
    ticks = sorted(set(_FLOORS.values()) | {top}) if zones else [top * i / 5 for i in range(6)]
    for t in ticks:
        if t > top:
            continue
        body.append(f'<line class="r-grid" x1="{PAD_L}" x2="{PAD_L + plot_w}" '
                    f'y1="{_f(y(t))}" y2="{_f(y(t))}"></line>')
        body.append(_text(PAD_L - 6, y(t) + 4, f"{t:g}", "r-axis", "end"))
    labels = [first] if span == 0 else [first, first + (last - first) / 2, last]
    for i, day in enumerate(labels):
        anchor = "middle" if span == 0 else ("start", "middle", "end")[i]
        body.append(_text(x(day), TREND_H - 8, f"{day:%d %b %Y}", "r-axis", anchor))
    coords = " ".join(f"{_f(x(d))},{_f(y(v))}" for d, v in points)
    if len(points) > 1:
        body.append(f'<polyline class="r-line" points="{coords}"></polyline>')
    for d, v in points:
        tip = f"{d:%d %b %Y}: {number(v, digits)} {unit}".strip()
        body.append(f'<circle class="r-point" cx="{_f(x(d))}" cy="{_f(y(v))}" r="3.5" '
                    f'data-day="{d.isoformat()}" data-value="{v:g}"><title>{escape(tip)}'
                    f"</title></circle>")
    return _svg("trend", TREND_H, title, body)


# --- stacked bars: suppliers by tier, by band ------------------------------------------------


@dataclass(frozen=True)
class StackRow:
    label: str
    count: int  # suppliers in the row, scored or not
    bands: Mapping[str, int]
    href: str | None = None
    key: str = ""  # what the row stands for (data-key), e.g. the tier


def stacked_bars(rows: Sequence[StackRow], *, title: str) -> str:
    """One bar per row, split by band (lowest first), lengths relative to the largest row;
    suppliers not scored yet are the grey rest of the bar."""
    if not rows or not any(r.count for r in rows):
        return empty(title, "No supplier to show.")
    longest = max(max(r.count, sum(r.bands.values())) for r in rows) or 1
    area = WIDTH - LABEL_W - VALUE_W
    body = []
    for i, row in enumerate(rows):
        y = i * ROW + (ROW - BAR) / 2
        x = float(LABEL_W)
        marks = [f'<rect class="r-track" x="{LABEL_W}" y="{_f(y)}" width="{_f(area)}" '
                 f'height="{BAR}"></rect>']
        parts = [(b, max(int(row.bands.get(b) or 0), 0)) for b in BANDS]
        unscored = max(row.count - sum(n for _b, n in parts), 0)
        for name, n in [*parts, ("none", unscored)]:
            if not n:
                continue
            w = area * n / longest
            label = BAND_LABELS.get(name, "Not scored")
            marks.append(f'<rect class="r-seg band-{name}" x="{_f(x)}" y="{_f(y)}" '
                         f'width="{_f(w)}" height="{BAR}" data-key="{_a(row.key)}" '
                         f'data-band="{name}" data-count="{n}"><title>{escape(row.label)}: '
                         f"{escape(label)}, {number(n)}</title></rect>")
            x += w
        inner = (_text(0, y + BAR - 4, row.label, "r-label") + "".join(marks)
                 + _text(LABEL_W + area + 8, y + BAR - 4, _suppliers(row.count), "r-value"))
        body.append(_link(row.href, f"<g>{inner}</g>", f"{row.label}: {_suppliers(row.count)}"))
    return _svg("stacked", len(rows) * ROW, title, body)


# --- plain bars of a score: countries by mean score --------------------------------------------


@dataclass(frozen=True)
class ScoreBar:
    label: str
    score: float  # 0-100: the bar's length and, through its band, its colour
    note: str = ""  # the figures after the bar
    href: str | None = None
    key: str = ""


def score_bars(rows: Sequence[ScoreBar], *, title: str) -> str:
    """One bar per row on a fixed 0-100 scale, coloured by the band of its score."""
    if not rows:
        return empty(title, "Nothing to show.")
    area = WIDTH - LABEL_W - VALUE_W
    body = []
    for i, row in enumerate(rows):
        score = min(max(float(row.score), 0.0), 100.0)
        name = band(score)
        y = i * ROW + (ROW - BAR) / 2
        tip = f"{row.label}: {number(score)} ({BAND_LABELS[name].lower()})"
        if row.note:
            tip += f", {row.note}"
        inner = (_text(0, y + BAR - 4, row.label, "r-label")
                 + f'<rect class="r-track" x="{LABEL_W}" y="{_f(y)}" width="{_f(area)}" '
                   f'height="{BAR}"></rect>'
                 + f'<rect class="r-bar band-{name}" x="{LABEL_W}" y="{_f(y)}" '
                   f'width="{_f(area * score / 100)}" height="{BAR}" data-key="{_a(row.key)}" '
                   f'data-band="{name}" data-value="{score:g}"><title>{escape(tip)}</title></rect>'
                 + _text(LABEL_W + area + 8, y + BAR - 4, number(score), "r-value"))
        body.append(_link(row.href, f"<g>{inner}</g>", tip))
    return _svg("scores", len(rows) * ROW, title, body)


# --- a factor's share of the score, in the panel's table ---------------------------------------

MINI_W, MINI_H = 100, 8


def points_bar(points: float, largest: float) -> str:
    """A small bar for one factor's points, as long as its share of the largest factor's."""
    points, largest = max(float(points), 0.0), max(float(largest), 0.0)
    w = MINI_W * points / largest if largest else 0.0
    return (f'<svg class="r-mini" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MINI_W} '
            f'{MINI_H}" width="{MINI_W}" height="{MINI_H}" aria-hidden="true" focusable="false">'
            f'<rect class="r-track" x="0" y="0" width="{MINI_W}" height="{MINI_H}"></rect>'
            f'<rect class="r-bar r-points" x="0" y="0" width="{_f(w)}" height="{MINI_H}" '
            f'data-value="{points:g}"></rect></svg>')

"""The due-diligence report's charts, drawn as SVG on the server (pure: no Flask, no session).

Unlike the risk pages' charts (risk/charts.py, coloured by the site's stylesheet), these go
into a PDF, where WeasyPrint draws inline SVG on its own: colours are presentation
attributes, so a chart looks the same whatever stylesheet surrounds it. Text is escaped; the
numbers and band names come from risk/charts.py and risk/weights.py, so the report and the
risk pages say the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from risk.charts import BAND_LABELS, BAND_RANGES, number
from risk.weights import BANDS

WIDTH = 480
ROW = 22
BAR = 14
LABEL_W = 150
VALUE_W = 70
# Band colours, matching css/tierlight.css's band classes; "none" is not scored yet.
COLOURS = {"critical": "#b42318", "high": "#e8590c", "medium": "#e0a800", "low": "#2f9e44",
           "none": "#adb5bd", "plain": "#3b5b7a"}
TRACK = "#eef1f4"
INK = "#1f2933"
MUTED = "#5f6b7a"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: str = "plain"  # a key of COLOURS
    note: str = ""  # shown after the value


def _f(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _svg(height: float, title: str, body: list[str], width: int = WIDTH) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {width} {_f(height)}" width="{width}" height="{_f(height)}" '
            f'aria-label="{escape(title, quote=True)}"><title>{escape(title)}</title>'
            f'{"".join(body)}</svg>')


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK,
          size: int = 9, weight: str = "normal") -> str:
    return (f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" fill="{fill}" '
            f'font-size="{size}" font-weight="{weight}" '
            f'font-family="Helvetica, Arial, sans-serif">{escape(text)}</text>')


def _clip(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def empty(title: str, message: str = "Nothing to show.") -> str:
    return _svg(28, title, [_text(WIDTH / 2, 18, message, anchor="middle", fill=MUTED)])


def bars(rows: Sequence[Bar], *, title: str, percent_of: float | None = None) -> str:
    """Horizontal bars, lengths relative to the largest; `percent_of` adds each bar's share."""
    values = [max(float(r.value or 0), 0.0) for r in rows]
    if not rows or not any(values):
        return empty(title)
    longest = max(values)
    area = WIDTH - LABEL_W - VALUE_W
    body = []
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        y = i * ROW + (ROW - BAR) / 2
        w = area * value / longest
        shown = number(int(value) if float(value).is_integer() else value)
        if percent_of:
            shown += f" · {100 * value / percent_of:.0f}%"
        if row.note:
            shown += f" {row.note}"
        colour = COLOURS.get(row.colour, COLOURS["plain"])
        body.append(
            _text(0, y + BAR - 3, _clip(row.label))
            + f'<rect x="{LABEL_W}" y="{_f(y)}" width="{_f(area)}" height="{BAR}" '
              f'fill="{TRACK}"></rect>'
            + f'<rect x="{LABEL_W}" y="{_f(y)}" width="{_f(w)}" height="{BAR}" '
              f'fill="{colour}" data-value="{value:g}"><title>{escape(row.label)}: '
              f'{escape(shown)}</title></rect>'
            + _text(LABEL_W + area + 6, y + BAR - 3, shown, fill=MUTED))
    return _svg(len(rows) * ROW, title, body)


def band_distribution(counts: Mapping[str, int], *, unscored: int = 0,
                      title: str = "Suppliers by risk band") -> str:
    """One stacked bar of every supplier by band (critical first), with a legend under it."""
    parts = [(b, max(int(counts.get(b) or 0), 0)) for b in reversed(BANDS)]
    parts.append(("none", max(int(unscored), 0)))
    total = sum(n for _b, n in parts)
    if not total:
        return empty(title, "No supplier has a score yet.")
    body, x = [], 0.0
    for name, n in parts:
        if not n:
            continue
        w = WIDTH * n / total
        label = BAND_LABELS.get(name, "Not scored")
        body.append(f'<rect x="{_f(x)}" y="0" width="{_f(w)}" height="22" '
                    f'fill="{COLOURS[name]}" data-band="{name}" data-count="{n}">'
                    f'<title>{escape(label)}: {number(n)}</title></rect>')
        x += w
    for i, (name, n) in enumerate(parts):
        lx = (i % 3) * (WIDTH / 3)
        ly = 34 + (i // 3) * 16
        label = BAND_LABELS.get(name, "Not scored")
        extra = f" ({BAND_RANGES[name]})" if name in BAND_RANGES else ""
        body.append(f'<rect x="{_f(lx)}" y="{_f(ly)}" width="9" height="9" '
                    f'fill="{COLOURS[name]}"></rect>'
                    + _text(lx + 13, ly + 8, f"{label}{extra}: {number(n)} "
                            f"({100 * n / total:.0f}%)", size=8))
    return _svg(34 + 16 * ((len(parts) + 2) // 3), title, body)


def severity_colour(severity: str) -> str:
    """Findings' Tierlight severities share the bands' colours (critical is critical)."""
    return severity if severity in COLOURS else "plain"

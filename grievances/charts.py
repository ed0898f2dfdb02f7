"""The effectiveness page's charts, drawn on the server as SVG (pure: no Flask, no session).

No inline style and no script (the Content-Security-Policy allows neither): sizes are SVG
attributes, colours come from classes styled in css/grievances.css. Every text is escaped.
A count under 5 is never drawn to scale: its bar is a fixed, hatched stub labelled
"fewer than 5", so neither the label nor the bar's length gives the count away.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from grievances.scorecard import FEWER, SMALL

WIDTH = 560
ROW = 28
BAR = 16
LABEL_W = 190
VALUE_W = 100
STUB = 10  # the width of the stub standing for a count under 5
COL_H = 160
PAD_B = 28


def _a(value: object) -> str:
    return escape(str(value), quote=True)


def _f(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _svg(kind: str, height: float, title: str, body: list[str]) -> str:
    return (f'<svg class="g-chart g-{kind}" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'viewBox="0 0 {WIDTH} {_f(height)}" width="{WIDTH}" height="{_f(height)}" '
            f'aria-label="{_a(title)}"><title>{escape(title)}</title>{"".join(body)}</svg>')


def _text(x: float, y: float, text: str, cls: str, anchor: str = "start") -> str:
    return (f'<text class="{cls}" x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}">'
            f"{escape(text)}</text>")


def shown(n: int) -> str:
    return FEWER if n < SMALL else f"{n:,}"


def empty(title: str, message: str) -> str:
    return _svg("empty", 50, title, [_text(WIDTH / 2, 30, message, "g-note", "middle")])


def bars(rows: Sequence[tuple[str, int]], *, title: str, cls: str = "") -> str:
    """One horizontal bar per (label, count), in the order given, lengths relative to the
    largest count; rows with no case are left out."""
    rows = [(label, int(n)) for label, n in rows if n]
    if not rows:
        return empty(title, "No case yet.")
    longest = max(max(n for _, n in rows), SMALL)
    area = WIDTH - LABEL_W - VALUE_W
    body = []
    for i, (label, n) in enumerate(rows):
        y = i * ROW + (ROW - BAR) / 2
        few = n < SMALL
        width = STUB if few else area * n / longest
        kind = "g-bar g-few" if few else f"g-bar {cls}".strip()
        tip = f"{label}: {shown(n)}"
        body.append(
            f"<g>{_text(0, y + BAR - 3, _clip(label), 'g-label')}"
            f'<rect class="g-track" x="{LABEL_W}" y="{_f(y)}" width="{_f(area)}" '
            f'height="{BAR}"></rect>'
            f'<rect class="{kind}" x="{LABEL_W}" y="{_f(y)}" width="{_f(width)}" '
            f'height="{BAR}" data-count="{"few" if few else n}"><title>{escape(tip)}</title>'
            f"</rect>{_text(LABEL_W + area + 8, y + BAR - 3, shown(n), 'g-value')}</g>")
    return _svg("bars", len(rows) * ROW, title, body)


def _clip(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


def months(rows: Sequence[tuple[str, int]], *, title: str) -> str:
    """Cases received per month, as columns ("2026-03", count)."""
    rows = [(m, int(n)) for m, n in rows]
    if not rows:
        return empty(title, "No case yet.")
    tallest = max(max(n for _, n in rows), SMALL)
    step = WIDTH / len(rows)
    col = min(step * 0.7, 40)
    body = [f'<line class="g-axis-line" x1="0" y1="{COL_H}" x2="{WIDTH}" y2="{COL_H}"></line>']
    for i, (month, n) in enumerate(rows):
        few = n < SMALL
        h = (COL_H - 16) * (SMALL / 2 if few else n) / tallest
        x = i * step + (step - col) / 2
        kind = "g-col g-few" if few else "g-col"
        body.append(
            f'<g><rect class="{kind}" x="{_f(x)}" y="{_f(COL_H - h)}" width="{_f(col)}" '
            f'height="{_f(h)}" data-month="{_a(month)}" data-count="{"few" if few else n}">'
            f"<title>{escape(f'{month}: {shown(n)}')}</title></rect>"
            f"{_text(x + col / 2, COL_H - h - 4, '<5' if few else f'{n:,}', 'g-value', 'middle')}"
            f"{_text(x + col / 2, COL_H + 16, month[2:], 'g-axis', 'middle')}</g>")
    return _svg("months", COL_H + PAD_B, title, body)


def share_bar(value: float | None, *, title: str, target: str) -> str:
    """A share from 0 to 100% against a full track; None draws "too few cases"."""
    if value is None:
        return empty(title, "Too few cases to show.")
    value = min(max(float(value), 0.0), 1.0)
    area = WIDTH - VALUE_W
    cls = "g-good" if value >= 0.9 else "g-fair" if value >= 0.5 else "g-poor"
    return _svg("share", 30, title, [
        f'<rect class="g-track" x="0" y="6" width="{_f(area)}" height="{BAR}"></rect>',
        f'<rect class="g-bar {cls}" x="0" y="6" width="{_f(area * value)}" height="{BAR}" '
        f'data-value="{_f(value)}"><title>{escape(f"{title}: {100 * value:.0f}% {target}")}'
        f"</title></rect>",
        _text(area + 8, 6 + BAR - 3, f"{100 * value:.0f}%", "g-value")])

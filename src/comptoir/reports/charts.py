"""Charts as inline SVG, drawn on the server (pure: no Django, no JavaScript).

Every bar is a link to the tickets it counts, has a ``<title>`` (its exact figure, shown
on hover and read by screen readers) and a ``data-testid``; colours are fixed and
printable, text is the page's language (the caller passes translated words).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#0d6efd", "#20c997", "#dc3545", "#6f42c1", "#fd7e14", "#6c757d", "#198754", "#0dcaf0")
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\""


@dataclass(frozen=True)
class Bar:
    value: float
    text: str  # the exact figure, as people read it
    href: str = ""
    testid: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    bars: tuple[Bar, ...]


def _a(bar: Bar, inner: str) -> str:
    test = f' data-testid="{escape(bar.testid)}"' if bar.testid else ""
    if not bar.href:
        return f"<g{test}>{inner}</g>"
    return f'<a href="{escape(bar.href)}"{test}>{inner}</a>'


def _legend(series: Sequence[Series], x: float, y: float) -> str:
    parts, cursor = [], x
    for s in series:
        parts.append(
            f'<rect x="{cursor:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{s.colour}"/>'
            f'<text x="{cursor + 14:.1f}" y="{y:.1f}" font-size="11">{escape(s.name)}</text>'
        )
        cursor += 24 + 6.5 * len(s.name)
    return "".join(parts)


def _svg(width: int, height: int, label: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(label)}" {FONT} class="report-chart">'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def columns(
    label: str, categories: Sequence[str], series: Sequence[Series], *, width: int = 720, height: int = 240
) -> str:
    """Grouped vertical bars over time (e.g. received and resolved per week); the
    category labels are thinned out when there are many."""
    left, right, top, bottom = 40, 10, 24, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max((b.value for s in series for b in s.bars), default=0) or 1
    n = max(len(categories), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.8 / max(len(series), 1), 1)
    body = [_legend(series, left, 14)]
    if all(float(b.value).is_integer() for s in series for b in s.bars):
        # Counts: whole-number grid lines.
        top_value = max(4, math.ceil(top_value / 4) * 4)
    for k in range(5):
        v = top_value * k / 4
        y = top + plot_h - plot_h * k / 4
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#dee2e6"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{_short(v)}</text>'
        )
    step = max(1, round(n / 12))
    for i, name in enumerate(categories):
        x0 = left + slot * i + slot * 0.1
        for j, s in enumerate(series):
            bar = s.bars[i]
            h = plot_h * bar.value / top_value
            rect = (
                f'<rect x="{x0 + j * bar_w:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{s.colour}"><title>{escape(name)} · {escape(s.name)}: '
                f"{escape(bar.text)}</title></rect>"
            )
            body.append(_a(bar, rect))
        if i % step == 0:
            body.append(
                f'<text x="{left + slot * i + slot / 2:.1f}" y="{height - bottom + 14}" font-size="10" '
                f'text-anchor="middle">{escape(name)}</text>'
            )
    return _svg(width, height, label, "".join(body))


def hbars(
    label: str, categories: Sequence[str], series: Sequence[Series], *, width: int = 720, unit: str = ""
) -> str:
    """Horizontal bars, one group per category (e.g. median and 90th percentile per
    response time), the figure written at the end of each bar."""
    left, right, top = 200, 70, 26
    bar_h, gap = 14, 10
    per = bar_h * len(series) + gap
    height = top + per * max(len(categories), 1) + 6
    plot_w = width - left - right
    top_value = max((b.value for s in series for b in s.bars), default=0) or 1
    body = [_legend(series, left, 14)]
    for i, name in enumerate(categories):
        y0 = top + per * i
        body.append(
            f'<text x="{left - 6}" y="{y0 + bar_h * len(series) / 2 + 4:.1f}" font-size="12" '
            f'text-anchor="end">{escape(name)}</text>'
        )
        for j, s in enumerate(series):
            bar = s.bars[i]
            w = plot_w * bar.value / top_value
            y = y0 + j * bar_h
            rect = (
                f'<rect x="{left}" y="{y:.1f}" width="{max(w, 0.5):.1f}" height="{bar_h - 2}" '
                f'fill="{s.colour}">'
                f"<title>{escape(name)} · {escape(s.name)}: {escape(bar.text)}</title></rect>"
                f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 4:.1f}" font-size="11">'
                f"{escape(bar.text)}{unit}</text>"
            )
            body.append(_a(bar, rect))
    return _svg(width, int(height), label, "".join(body))


def stacked(
    label: str, categories: Sequence[str], series: Sequence[Series], *, width: int = 720, share: bool = True
) -> str:
    """One horizontal bar per category split into its parts (e.g. SLA met, breached,
    handed over); ``share``: every bar is 100 % wide, else widths follow the totals."""
    left, right, top = 200, 50, 26
    bar_h, gap = 18, 10
    height = top + (bar_h + gap) * max(len(categories), 1)
    plot_w = width - left - right
    totals = [sum(s.bars[i].value for s in series) for i in range(len(categories))]
    widest = max(totals, default=0) or 1
    body = [_legend(series, left, 14)]
    for i, name in enumerate(categories):
        y = top + (bar_h + gap) * i
        body.append(
            f'<text x="{left - 6}" y="{y + bar_h / 2 + 4:.1f}" font-size="12" text-anchor="end">'
            f"{escape(name)}</text>"
        )
        scale = (plot_w / totals[i] if totals[i] else 0) if share else plot_w / widest
        x = float(left)
        for s in series:
            bar = s.bars[i]
            w = bar.value * scale
            if w <= 0:
                continue
            rect = (
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar_h}" fill="{s.colour}">'
                f"<title>{escape(name)} · {escape(s.name)}: {escape(bar.text)}</title></rect>"
            )
            if w > 28:
                rect += (
                    f'<text x="{x + w / 2:.1f}" y="{y + bar_h - 5:.1f}" font-size="10" fill="#fff" '
                    f'text-anchor="middle">{escape(bar.text)}</text>'
                )
            body.append(_a(bar, rect))
            x += w
        body.append(
            f'<text x="{x + 4:.1f}" y="{y + bar_h - 5:.1f}" font-size="11">{_short(totals[i])}</text>'
        )
    return _svg(width, int(height), label, "".join(body))


def _short(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 100 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.1f}"

"""Charts drawn on the server as SVG (no JavaScript, no CDN): the geometry is computed here and the
template ``billing/includes/bar_chart.svg`` draws it. The SVG has a <title> and a <desc>, and the page
shows the same numbers in a table beside it, so nothing is only in the picture."""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 720
LABEL_WIDTH = 240
VALUE_MARGIN = 90
BAR_HEIGHT = 18
BAR_GAP = 8
TOP = 28
BOTTOM = 30


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    flagged: bool
    y: float
    width: float

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT - 4

    @property
    def value_x(self) -> float:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class Tick:
    value: int
    x: float


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(rows: list[tuple[str, int, bool]], *, target: int | None = None) -> dict:
    """Horizontal bars, one per ``(label, value, flagged)``, with an optional target line (e.g. the
    five-visit commitment). Returns what the template needs."""
    plot_width = WIDTH - LABEL_WIDTH - VALUE_MARGIN
    top_value = max([target or 0, *(value for _label, value, _flag in rows), 1])
    step = max(1, math.ceil(top_value / 10))
    top_value = math.ceil(top_value / step) * step
    scale = plot_width / top_value
    bars = [
        Bar(label=_short(label), value=value, flagged=flagged, y=TOP + i * (BAR_HEIGHT + BAR_GAP),
            width=round(max(value, 0) * scale, 1))
        for i, (label, value, flagged) in enumerate(rows)
    ]
    plot_bottom = TOP + len(rows) * (BAR_HEIGHT + BAR_GAP)
    return {
        "width": WIDTH,
        "height": plot_bottom + BOTTOM,
        "label_width": LABEL_WIDTH,
        "plot_right": LABEL_WIDTH + plot_width,
        "plot_top": TOP - 6,
        "plot_bottom": plot_bottom,
        "axis_label_y": plot_bottom + 16,
        "bars": bars,
        "ticks": [Tick(value=v, x=round(LABEL_WIDTH + v * scale, 1)) for v in range(0, top_value + 1, step)],
        "target": target,
        "target_x": round(LABEL_WIDTH + target * scale, 1) if target is not None else None,
    }

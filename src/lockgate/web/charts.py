"""SVG bar charts drawn on the server: no script, a title and a text alternative each.

Every chart's data is also shown as a table beside it (the templates do that from the same
`Chart`), so nothing is only in the picture.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 640, 180, 28


@dataclass(frozen=True)
class Chart:
    ident: str  # unique on the page (ids for aria-labelledby)
    title: str
    labels: tuple[str, ...]  # one per bar, e.g. the week's first day
    values: tuple[float | None, ...]  # None: no value that week (no bar, "-" in the table)
    show: Callable[[float], str]  # a value for people (2d 3h, 50%, 3)

    def shown(self) -> list[str]:
        return ["-" if v is None else self.show(v) for v in self.values]

    def alt(self) -> str:
        pairs = ", ".join(
            f"{lab}: {val}" for lab, val in zip(self.labels, self.shown(), strict=True)
        )
        return f"{self.title}. {pairs or 'no data'}."


def svg(chart: Chart) -> Markup:
    """The chart as inline SVG (every text escaped)."""
    values = [v for v in chart.values if v is not None]
    top = max(values, default=0.0) or 1.0
    n = max(len(chart.values), 1)
    slot = (WIDTH - 2 * PAD) / n
    bars: list[str] = []
    for i, (value, label, shown) in enumerate(
        zip(chart.values, chart.labels, chart.shown(), strict=True)
    ):
        if value is None:
            continue
        h = (HEIGHT - 2 * PAD) * max(value, 0.0) / top
        x, y = PAD + i * slot + slot * 0.15, HEIGHT - PAD - h
        bars.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}">'
            f"<title>{escape(label)}: {escape(shown)}</title></rect>"
        )
    axis = f'<line class="axis" x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}"/>'
    ends = _end_labels(chart.labels)
    ident = escape(chart.ident)
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-t">{escape(chart.title)}</title>'
        f'<desc id="{ident}-d">{escape(chart.alt())}</desc>'
        f"{axis}{''.join(bars)}{ends}</svg>"
    )


def _end_labels(labels: Sequence[str]) -> str:
    if not labels:
        return ""
    y = HEIGHT - PAD / 3
    first = f'<text x="{PAD}" y="{y}">{escape(labels[0])}</text>'
    last = f'<text x="{WIDTH - PAD}" y="{y}" text-anchor="end">{escape(labels[-1])}</text>'
    return first + (last if len(labels) > 1 else "")

"""A self-contained HTML page (inline SVG, no script) of latency and throughput over the run."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from lockgate.load.interface import Point, Summary

WIDTH, HEIGHT, PAD = 720, 220, 48


def page(summary: Summary, title: str) -> str:
    """The whole page: headline numbers, then one chart for latency and one for throughput."""
    points = summary.timeline
    latency = _chart(
        points,
        [("p50", lambda p: p.p50_ms, "#1d70b8"), ("p95", lambda p: p.p95_ms, "#d4351c")],
        "latency (ms)",
    )
    throughput = _chart(
        points,
        [
            ("requests/s", lambda p: p.rps, "#00703c"),
            ("failures/s", lambda p: p.failures_per_s, "#d4351c"),
            ("users", lambda p: float(p.users), "#505a5f"),
        ],
        "throughput",
    )
    head = (
        f"{summary.requests} requests, {summary.failures} failed ({summary.error_rate:.2f}%), "
        f"{summary.rps:.1f} requests/s; p50 {summary.p50_ms:g} ms, p95 {summary.p95_ms:g} ms, "
        f"p99 {summary.p99_ms:g} ms, max {summary.max_ms:g} ms"
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:2em;color:#0b0c0c}"
        "svg{display:block;margin:1em 0}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(head)}</p>"
        f"<h2>Latency</h2>{latency}<h2>Throughput</h2>{throughput}</body></html>\n"
    )


Series = tuple[str, Callable[[Point], float | None], str]


def _chart(points: Sequence[Point], series: Sequence[Series], label: str) -> str:
    if not points:
        return "<p>No timeline: Locust recorded no per-second statistics.</p>"
    span = max(points[-1].time, 1.0)
    values = [v for _, get, _ in series for p in points if (v := get(p)) is not None]
    top = max(values, default=1.0) or 1.0

    def xy(t: float, v: float) -> str:
        x = PAD + (WIDTH - 2 * PAD) * t / span
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top
        return f"{x:.1f},{y:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{html.escape(label)} over time">',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#000"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#000"/>',
        f'<text x="4" y="{PAD - 8}" font-size="12">{top:g}</text>',
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - PAD + 16}" font-size="12">{span:g} s</text>',
    ]
    for i, (name, get, colour) in enumerate(series):
        line = " ".join(xy(p.time, v) for p in points if (v := get(p)) is not None)
        if line:
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{line}"/>'
            )
        parts.append(
            f'<text x="{PAD + 110 * i}" y="{HEIGHT - 12}" font-size="12" fill="{colour}">'
            f"{html.escape(name)}</text>"
        )
    return "".join(parts) + "</svg>"

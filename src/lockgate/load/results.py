"""Locust's CSV stats read back: the run's headline numbers and its per-second timeline."""

from __future__ import annotations

import csv
from pathlib import Path

from lockgate.errors import LockgateError
from lockgate.load.interface import Point, Summary

AGGREGATED = "Aggregated"


def read(stats: Path, history: Path) -> Summary:
    """The Aggregated row of `stats` plus the Aggregated rows of `history`."""
    rows = _rows(stats)
    total = next((r for r in rows if r.get("Name") == AGGREGATED), None)
    if total is None:
        raise LockgateError("Locust wrote no aggregated statistics", where=str(stats))
    return Summary(
        requests=int(_number(total.get("Request Count")) or 0),
        failures=int(_number(total.get("Failure Count")) or 0),
        rps=_number(total.get("Requests/s")) or 0.0,
        p50_ms=_number(total.get("50%")) or 0.0,
        p95_ms=_number(total.get("95%")) or 0.0,
        p99_ms=_number(total.get("99%")) or 0.0,
        max_ms=_number(total.get("100%")) or 0.0,
        timeline=timeline(history) if history.is_file() else (),
    )


def timeline(history: Path) -> tuple[Point, ...]:
    points: list[Point] = []
    start: float | None = None
    for row in _rows(history):
        if row.get("Name") != AGGREGATED:
            continue
        stamp = _number(row.get("Timestamp")) or 0.0
        start = stamp if start is None else start
        points.append(
            Point(
                time=stamp - start,
                users=int(_number(row.get("User Count")) or 0),
                rps=_number(row.get("Requests/s")) or 0.0,
                failures_per_s=_number(row.get("Failures/s")) or 0.0,
                p50_ms=_number(row.get("50%")),
                p95_ms=_number(row.get("95%")),
            )
        )
    return tuple(points)


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise LockgateError(
            f"Locust wrote no statistics: {exc.strerror or exc}",
            where=str(path),
            hint="see the stage's locust.log for why the run did not finish",
        ) from None


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "", "N/A") else None
    except ValueError:
        return None

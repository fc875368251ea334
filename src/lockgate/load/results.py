"""Locust's stats read back: headline numbers from its JSON (written once, at the end, always),
the per-second timeline from its CSV history (written every second, so it may miss the last one)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

from lockgate.errors import LockgateError
from lockgate.load.interface import Point, Summary

AGGREGATED = "Aggregated"


def read(stats: Path, history: Path) -> Summary:
    """The run's numbers from `stats` (Locust's --json-file), all requests together."""
    entries = _entries(stats)
    times: Counter[float] = Counter()
    for entry in entries:
        times.update({float(k): int(v) for k, v in entry.get("response_times", {}).items()})
    requests = sum(int(e.get("num_requests", 0)) for e in entries)
    starts = [float(e["start_time"]) for e in entries if e.get("num_requests")]
    ends = [float(e["last_request_timestamp"]) for e in entries if e.get("num_requests")]
    span = max(ends) - min(starts) if starts else 0.0
    return Summary(
        requests=requests,
        failures=sum(int(e.get("num_failures", 0)) for e in entries),
        rps=requests / span if span > 0 else float(requests),
        p50_ms=percentile(times, 0.50),
        p95_ms=percentile(times, 0.95),
        p99_ms=percentile(times, 0.99),
        max_ms=max((float(e.get("max_response_time") or 0) for e in entries), default=0.0),
        timeline=timeline(history) if history.is_file() else (),
    )


def percentile(times: Counter[float], share: float) -> float:
    """Locust's own percentile of its rounded response-time histogram (the same numbers it prints)."""
    total = sum(times.values())
    wanted = int(total * share)
    seen = 0
    for value in sorted(times, reverse=True):
        seen += times[value]
        if total - seen <= wanted:
            return value
    return 0.0


def _entries(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LockgateError(
            f"Locust wrote no statistics: {exc.strerror or exc}",
            where=str(path),
            hint="see the stage's locust.log for why the run did not finish",
        ) from None
    except ValueError as exc:
        raise LockgateError(f"Locust's statistics are not JSON: {exc}", where=str(path)) from None
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise LockgateError("Locust's statistics are not a list of entries", where=str(path))
    return data


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

"""DORA performance levels by report year, read from bands.json (each year with its source)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lockgate.errors import LockgateError
from lockgate.metrics.model import Band, Key

DATA = Path(__file__).with_name("bands.json")
ORDER = ("elite", "high", "medium", "low")  # best first: overlapping levels show the best
_TO_UNIT = {  # measure as computed (days, seconds, fraction, seconds) → the data file's unit
    Key.DEPLOYMENT_FREQUENCY: 1.0,
    Key.LEAD_TIME: 1 / 3600,
    Key.CHANGE_FAILURE_RATE: 100.0,
    Key.TIME_TO_RESTORE: 1 / 3600,
}


@dataclass(frozen=True)
class Level:
    level: str
    text: str
    low: float
    high: float | None  # exclusive; None = open

    def holds(self, value: float) -> bool:
        return self.low <= value and (self.high is None or value < self.high)


@dataclass(frozen=True)
class Report:
    year: int
    title: str
    source: str
    levels: dict[Key, tuple[Level, ...]]


@cache
def reports(path: Path = DATA) -> tuple[Report, ...]:
    """Every report year in the data file, oldest first."""
    try:
        data = json.loads(path.read_text())
        found = tuple(_report(r) for r in data["reports"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LockgateError(
            f"the DORA bands data file is unreadable ({exc})",
            where=str(path),
            hint="reinstall lockgate; the file ships with it",
        ) from None
    return tuple(sorted(found, key=lambda r: r.year))


def years() -> tuple[int, ...]:
    return tuple(r.year for r in reports())


def _report(data: dict[str, Any]) -> Report:
    levels = {
        Key(name): tuple(
            Level(str(x["level"]), str(x["text"]), float(x["min"]), _maybe(x["max"])) for x in given
        )
        for name, given in data["levels"].items()
    }
    if set(levels) != set(Key):
        raise ValueError(f"{data['year']}: needs levels for each of {', '.join(Key)}")
    return Report(int(data["year"]), str(data["title"]), str(data["source"]), levels)


def _maybe(value: Any) -> float | None:
    return None if value is None else float(value)


def classify(report: Report, key: Key, value: float | None) -> Band:
    """The best level of `report` whose range holds `value` (in the unit dora computes)."""
    if value is None:
        return Band(report.year, None, "no value to place", report.source)
    measured = value * _TO_UNIT[key]
    ranked = sorted(report.levels[key], key=lambda lv: ORDER.index(lv.level))
    for level in ranked:
        if level.holds(measured):
            return Band(report.year, level.level, level.text, report.source)
    return Band(report.year, None, f"in none of the {report.year} report's levels", report.source)


def every_year(key: Key, value: float | None) -> tuple[Band, ...]:
    return tuple(classify(r, key, value) for r in reports())

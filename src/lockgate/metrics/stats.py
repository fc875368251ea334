"""Median and 90th percentile, defined so a person can check them by hand.

Median: the middle value of the sorted values, or the mean of the two middle ones.
p90: nearest rank, the value at position ceil(0.9 * n) of the sorted values (1-based): the
smallest value that at least 90 % of the values are at or below.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from lockgate.metrics.model import LeadSummary, Stats


def median(ordered: list[float]) -> float | None:
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def nearest_rank(ordered: list[float], percent: float) -> float | None:
    if not ordered:
        return None
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(values: Iterable[float]) -> Stats:
    ordered = sorted(values)
    return Stats(len(ordered), median(ordered), nearest_rank(ordered, 90))


def lead_summary(values: Iterable[float]) -> LeadSummary:
    """Lead times (seconds): those above zero summarised, the others only counted."""
    given = list(values)
    s = summarise(v for v in given if v > 0)
    return LeadSummary(s.count, len(given) - s.count, s.median, s.p90)

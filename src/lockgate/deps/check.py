"""Matching dependencies against what the advisory sources answered: per ecosystem coverage and age.

A dependency is checked only by a source that answered and covers its ecosystem; the age of the
data is judged per ecosystem by the sources that cover it (the freshest of them), so fresh data for
one ecosystem never hides old data for another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from lockgate.deps import osv
from lockgate.deps.model import Advisory, Dependency, Match, SourceAnswer


@dataclass(frozen=True)
class Stale:
    """An ecosystem whose newest covering data is older than allowed."""

    ecosystem: str
    newest: str  # the date of the data
    age_days: int
    packages: int  # packages of this ecosystem checked against it


@dataclass(frozen=True)
class CheckResult:
    matches: tuple[Match, ...]
    unchecked: tuple[tuple[Dependency, str], ...]  # (dependency, why no source could check it)
    stale: tuple[Stale, ...]
    checked: int


def check(
    deps: Sequence[Dependency], answers: Sequence[SourceAnswer], now: datetime, max_age_days: int
) -> CheckResult:
    matches: list[Match] = []
    unchecked: list[tuple[Dependency, str]] = []
    checked: dict[str, int] = {}
    for dep in deps:
        eco = dep.ecosystem.value
        covering = [a for a in answers if a.error is None and eco in a.covered]
        if not covering:
            unchecked.append((dep, _why_not(eco, answers)))
            continue
        key = (eco, dep.key[1])
        candidates: dict[str, Advisory] = {}
        for answer in covering:
            candidates.update((adv.id, adv) for adv in answer.advisories.get(key, ()))
        found, error = osv.match(dep, candidates.values())
        if error:
            unchecked.append((dep, f"version not comparable: {error}"))
            continue
        matches += found
        checked[eco] = checked.get(eco, 0) + 1
    stale = [s for s in (_age(e, n, answers, now) for e, n in checked.items()) if s]
    return CheckResult(
        tuple(matches),
        tuple(unchecked),
        tuple(s for s in stale if s.age_days > max_age_days),
        sum(checked.values()),
    )


def _why_not(eco: str, answers: Sequence[SourceAnswer]) -> str:
    failed = [a for a in answers if a.error]
    if failed and len(failed) == len(answers):
        return f"the advisory source failed: {failed[0].error}"
    return f"no advisory data for {eco} in the configured source(s)"


def _age(eco: str, packages: int, answers: Sequence[SourceAnswer], now: datetime) -> Stale | None:
    """The age of the freshest data covering `eco`; None when a live service covers it."""
    covering = [a for a in answers if a.error is None and eco in a.covered]
    if not covering or any(eco not in a.data_times for a in covering):
        return None  # a live service (no data time) answers from current data
    newest = max(parse_time(a.data_times[eco]) for a in covering)
    return Stale(eco, newest.date().isoformat(), (now - newest).days, packages)


def parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.fromtimestamp(0, UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)

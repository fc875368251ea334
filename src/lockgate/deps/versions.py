"""Version ordering per ecosystem and OSV range evaluation (introduced / fixed / last_affected)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Sequence
from functools import cmp_to_key, lru_cache
from typing import Any

from packaging.version import InvalidVersion, Version

from lockgate.deps.model import Ecosystem


class BadVersion(ValueError):
    """A version string the ecosystem's grammar does not accept."""


def _cmp(a: Any, b: Any) -> int:
    return int(a > b) - int(a < b)


# --- PyPI: PEP 440 ------------------------------------------------------------------------


MAX_LENGTH = 256  # no registry publishes longer versions; longer text is not compared at all


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "...")


def _bounded(text: str, grammar: str) -> None:
    if len(text) > MAX_LENGTH:
        raise BadVersion(
            f"{_shown(text)} is not a {grammar} version (over {MAX_LENGTH} characters)"
        )


@lru_cache(maxsize=65536)
def _pep440(text: str) -> Version:
    _bounded(text, "PEP 440")
    try:
        return Version(text)
    except (InvalidVersion, ValueError) as exc:
        raise BadVersion(f"{_shown(text)} is not a PEP 440 version") from exc


def compare_pypi(a: str, b: str) -> int:
    return _cmp(_pep440(a), _pep440(b))


# --- npm: SemVer 2.0 (loose: leading v, missing minor/patch) ------------------------------

_SEMVER = re.compile(
    r"^\s*[v=]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$"
)


@lru_cache(maxsize=65536)
def _semver(text: str) -> tuple[tuple[int, int, int], tuple[str, ...]]:
    _bounded(text, "semantic")
    m = _SEMVER.match(text)
    if not m:
        raise BadVersion(f"{_shown(text)} is not a semantic version")
    core = (int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0))
    return core, tuple(m.group(4).split(".")) if m.group(4) else ()


def _prerelease_cmp(a: Sequence[str], b: Sequence[str]) -> int:
    """SemVer §11: no pre-release > any pre-release; numeric ids < alphanumeric ids."""
    if not a or not b:
        return _cmp(not a, not b)
    for x, y in zip(a, b, strict=False):
        if x == y:
            continue
        if x.isdigit() and y.isdigit():
            return _cmp(int(x), int(y))
        if x.isdigit() != y.isdigit():
            return -1 if x.isdigit() else 1
        return _cmp(x, y)
    return _cmp(len(a), len(b))


def compare_semver(a: str, b: str) -> int:
    (core_a, pre_a), (core_b, pre_b) = _semver(a), _semver(b)
    return _cmp(core_a, core_b) or _prerelease_cmp(pre_a, pre_b)


# --- NuGet: up to four numeric parts, SemVer-style pre-release, case-insensitive -----------

_NUGET = re.compile(r"^\s*(\d+(?:\.\d+){0,3})(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$")


def compare_nuget(a: str, b: str) -> int:
    def parse(text: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
        _bounded(text, "NuGet")
        m = _NUGET.match(text)
        if not m:
            raise BadVersion(f"{_shown(text)} is not a NuGet version")
        nums = tuple(int(p) for p in m.group(1).split("."))
        pre = tuple(m.group(2).lower().split(".")) if m.group(2) else ()
        return nums + (0,) * (4 - len(nums)), pre

    (na, pa), (nb, pb) = parse(a), parse(b)
    return _cmp(na, nb) or _prerelease_cmp(pa, pb)


# --- RubyGems: Gem::Version ----------------------------------------------------------------

_GEM = re.compile(r"^\s*[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*$")


@lru_cache(maxsize=65536)
def _gem_segments(text: str) -> tuple[int | str, ...]:
    _bounded(text, "RubyGems")
    if not _GEM.match(text):
        raise BadVersion(f"{_shown(text)} is not a RubyGems version")
    text = text.strip().replace("-", ".pre.")
    segs: list[int | str] = [
        int(s) if s.isdigit() else s for s in re.findall(r"[0-9]+|[a-z]+", text, re.I)
    ]
    # canonical form: trailing zeros (and zeros just before the first letter) do not count
    first_letter = next((i for i, s in enumerate(segs) if isinstance(s, str)), len(segs))
    numbers, rest = segs[:first_letter], segs[first_letter:]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    while rest and rest[-1] == 0:
        rest.pop()
    return tuple(numbers + rest)


def compare_rubygems(a: str, b: str) -> int:
    sa, sb = _gem_segments(a), _gem_segments(b)
    for i in range(max(len(sa), len(sb))):
        x = sa[i] if i < len(sa) else 0
        y = sb[i] if i < len(sb) else 0
        if x == y:
            continue
        if isinstance(x, str) != isinstance(y, str):
            return -1 if isinstance(x, str) else 1  # a letter segment is a pre-release: lower
        return _cmp(x, y)
    return 0


COMPARATORS: dict[Ecosystem, Callable[[str, str], int]] = {
    Ecosystem.PYPI: compare_pypi,
    Ecosystem.NPM: compare_semver,
    Ecosystem.NUGET: compare_nuget,
    Ecosystem.RUBYGEMS: compare_rubygems,
}


def compare(ecosystem: Ecosystem, a: str, b: str) -> int:
    """-1, 0 or 1; raises BadVersion when either string is not a version of that ecosystem."""
    return COMPARATORS[ecosystem](a, b)


def problem(ecosystem: Ecosystem, version: str) -> str | None:
    """None when `version` is a valid version of the ecosystem, else why not."""
    try:
        COMPARATORS[ecosystem](version, version)
    except BadVersion as exc:
        return str(exc)
    return None


# --- OSV ranges ----------------------------------------------------------------------------


def is_affected(
    ecosystem: Ecosystem, version: str, ranges: Iterable[dict[str, Any]], versions: Iterable[str]
) -> bool:
    """True when `version` is listed in `versions` or falls in one of the ECOSYSTEM/SEMVER ranges."""
    cmp = COMPARATORS[ecosystem]
    listed = tuple(versions)
    if version in listed or any(_same(cmp, version, v) for v in listed):
        return True
    return any(
        _in_range(cmp, version, r) for r in ranges if r.get("type") in {"ECOSYSTEM", "SEMVER"}
    )


def first_fixed(ecosystem: Ecosystem, version: str, ranges: Iterable[dict[str, Any]]) -> str | None:
    """The lowest `fixed` version above `version` in the ranges that affect it."""
    cmp = COMPARATORS[ecosystem]
    fixes = []
    for r in ranges:
        if r.get("type") not in {"ECOSYSTEM", "SEMVER"} or not _in_range(cmp, version, r):
            continue
        for event in r.get("events", []):
            fixed = event.get("fixed")
            if fixed and _safe_cmp(cmp, fixed, version) > 0:
                fixes.append(fixed)
    return min(fixes, key=cmp_to_key(cmp)) if fixes else None


def _same(cmp: Callable[[str, str], int], a: str, b: str) -> bool:
    try:
        return cmp(a, b) == 0
    except BadVersion:
        return a == b


def _safe_cmp(cmp: Callable[[str, str], int], a: str, b: str) -> int:
    try:
        return cmp(a, b)
    except BadVersion:
        return 0


def _in_range(cmp: Callable[[str, str], int], version: str, rng: dict[str, Any]) -> bool:
    """Walk the events in version order; the last event at or below `version` decides."""
    events = [e for e in rng.get("events", []) if isinstance(e, dict)]

    events = [e for e in events if len(e) == 1]  # osv.to_advisory leaves only such events

    def order(event: dict[str, Any]) -> tuple[int, Any]:
        value = next(iter(event.values()))
        return (0, 0) if value == "0" else (1, cmp_to_key(cmp)(str(value)))

    with contextlib.suppress(BadVersion):  # keep the record's order when a bound is no version
        events.sort(key=order)
    affected = False
    for event in events:
        if "introduced" in event:
            intro = str(event["introduced"])
            if intro == "0" or _safe_cmp(cmp, version, intro) >= 0:
                affected = True
        elif "fixed" in event:
            if _safe_cmp(cmp, version, str(event["fixed"])) >= 0:
                affected = False
        elif "last_affected" in event and _safe_cmp(cmp, version, str(event["last_affected"])) > 0:
            affected = False
    return affected

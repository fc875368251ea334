"""One finding per weakness: hits of several engines or rules on the same lines with the same
weakness (CWE) become one finding that names every engine and rule that saw it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from lockgate.model import Finding, Severity

# CWEs that name the same weakness at different depths (engines pick different ones).
_FAMILY = {
    "CWE-77": "CWE-78",
    "CWE-88": "CWE-78",
    "CWE-80": "CWE-79",
    "CWE-94": "CWE-95",
    "CWE-96": "CWE-95",
    "CWE-564": "CWE-89",
    "CWE-23": "CWE-22",
    "CWE-36": "CWE-22",
    "CWE-73": "CWE-22",
}
_CWE = re.compile(r"CWE-\d+")
# Who leads a merged finding: lockgate's taint rules (they know where the data came from), then
# its other rules, then the other engines.
_ENGINE_RANK = {"semgrep": 0, "bandit": 1, "checkov": 2}
_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}  # critical first
SEEN_BY = "seen-by:"


def weakness(finding: Finding) -> str | None:
    """The finding's weakness family (first CWE tag), or None when it names none."""
    cwe = next((t for t in finding.tags if _CWE.fullmatch(t)), None)
    return _FAMILY.get(cwe, cwe) if cwe else None


def merge(findings: Iterable[Finding]) -> list[Finding]:
    """Findings with the same path, overlapping lines and weakness merged; order kept otherwise."""
    groups: list[list[Finding]] = []
    index: dict[tuple[str, str], list[list[Finding]]] = {}
    for finding in findings:
        key = _key(finding)
        group = (
            next((g for g in index.get(key, []) if _overlaps(g, finding)), None) if key else None
        )
        if group is None:
            group = [finding]
            groups.append(group)
            if key:
                index.setdefault(key, []).append(group)
        else:
            group.append(finding)
    return [_combined(g) for g in groups]


def _key(finding: Finding) -> tuple[str, str] | None:
    family = weakness(finding)
    if family is None or finding.location is None or not finding.location.start_line:
        return None
    return finding.location.path, family


def _lines(finding: Finding) -> tuple[int, int]:
    loc = finding.location
    start = loc.start_line or 0 if loc else 0
    end = (loc.end_line or start) if loc else start
    return start, max(start, end)


def _overlaps(group: Sequence[Finding], finding: Finding) -> bool:
    start, end = _lines(finding)
    return any(s <= end and start <= e for s, e in map(_lines, group))


def _rank(finding: Finding) -> tuple[int, int, int]:
    taint = 0 if ".taint." in finding.rule_id else 1
    return (_ENGINE_RANK.get(finding.tool, 9), taint, _SEVERITY_RANK[finding.severity])


def _combined(group: list[Finding]) -> Finding:
    if len(group) == 1:
        return group[0]
    lead, *others = sorted(group, key=_rank)
    worst = min((f.severity for f in group), key=lambda s: _SEVERITY_RANK[s])
    engines = list(dict.fromkeys(f.tool for f in (lead, *others)))
    also = ", ".join(dict.fromkeys(f"{f.tool} {_short(f.rule_id)}" for f in others))
    cwes = (t for f in others for t in f.tags if _CWE.fullmatch(t))
    tags = (*lead.tags, *cwes, *(SEEN_BY + e for e in engines))
    return replace(
        lead,
        severity=worst,
        message=f"{lead.message} (also reported by {also})",
        tags=tuple(dict.fromkeys(tags)),
    )


def _short(rule_id: str) -> str:
    return rule_id.removeprefix("bandit.")


def engines_of(finding: Finding) -> tuple[str, ...]:
    """Every engine that reported this (merged) finding."""
    seen = tuple(t[len(SEEN_BY) :] for t in finding.tags if t.startswith(SEEN_BY))
    return seen or (finding.tool,)

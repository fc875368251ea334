"""Gate policy: from a stage's raw result to a verdict (thresholds, suppressions, baseline, unchecked)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Protocol

from lockgate.model import (
    Finding,
    FindingState,
    Location,
    Severity,
    StageResult,
    Status,
    fingerprint,
)
from lockgate.stages.interface import Gate

EXPIRED_RULE = "expired-suppression"


class SuppressionLike(Protocol):
    @property
    def reason(self) -> str: ...
    @property
    def expires(self) -> date: ...
    @property
    def where(self) -> str: ...

    def matches(self, finding: Finding) -> bool: ...


def apply_gate(
    result: StageResult,
    gate: Gate,
    suppressions: Iterable[SuppressionLike] = (),
    known: frozenset[str] = frozenset(),
    today: date | None = None,
    expired_here: Iterable[SuppressionLike] = (),
) -> StageResult:
    """Decide each finding's state and the stage's final status.

    Order: a stage's own inline allowance (already SUPPRESSED) stays; a config suppression that has
    expired leaves the finding open and adds a loud finding of its own; a live one suppresses; under
    `fail_on` is below threshold; in the baseline (when `new_only`) is known; the rest are open.
    `expired_here`: expired suppressions this stage reports even when they match nothing (the
    pipeline gives each expired suppression to exactly one stage), so none expires silently.
    Then: open findings fail the stage; so does anything left unchecked with `fail_on_unchecked`;
    unchecked items otherwise make it WARNED, never PASSED.
    """
    today = today or date.today()
    sups = tuple(suppressions)
    findings: list[Finding] = []
    expired: dict[str, SuppressionLike] = {}
    for finding in result.findings:
        if finding.state is FindingState.SUPPRESSED:
            findings.append(finding)
            continue
        state, reason = _decide(finding, gate, sups, known, today, expired)
        findings.append(replace(finding, state=state, state_reason=reason))
    for sup in expired_here:
        if sup.expires < today:
            expired.setdefault(sup.where, sup)
    findings += [_expired_finding(result.stage, s) for s in expired.values()]
    status = _status(result, findings, gate)
    return replace(
        result, findings=tuple(findings), status=status, summary=_summary(result, status, gate)
    )


def _decide(
    finding: Finding,
    gate: Gate,
    sups: tuple[SuppressionLike, ...],
    known: frozenset[str],
    today: date,
    expired: dict[str, SuppressionLike],
) -> tuple[FindingState, str | None]:
    for sup in sups:
        if not sup.matches(finding):
            continue
        if sup.expires < today:
            expired[sup.where] = sup
            return FindingState.OPEN, f"suppression at {sup.where} expired on {sup.expires}"
        return FindingState.SUPPRESSED, f"{sup.reason} (until {sup.expires}, {sup.where})"
    if not finding.severity.at_least(gate.fail_on):
        return FindingState.BELOW_THRESHOLD, f"below fail_on = {gate.fail_on.value}"
    if gate.new_only and finding.fingerprint in known:
        return FindingState.KNOWN, "in the baseline (not introduced by this change)"
    return FindingState.OPEN, None


def _expired_finding(stage: str, sup: SuppressionLike) -> Finding:
    path, _, line = sup.where.partition(":")
    return Finding(
        stage=stage,
        tool="lockgate",
        rule_id=EXPIRED_RULE,
        message=(
            f"suppression expired on {sup.expires} (reason was: {sup.reason}); "
            "fix the findings it covered and remove it, or renew it with a new reason and "
            "expiry date"
        ),
        severity=Severity.HIGH,
        fingerprint=fingerprint(EXPIRED_RULE, path, f"{sup.where}{sup.expires}"),
        location=Location(path=path, start_line=int(line) if line.isdigit() else None),
    )


def _status(result: StageResult, findings: list[Finding], gate: Gate) -> Status:
    if result.status is Status.ERROR:
        return result.status
    if any(f.state is FindingState.OPEN for f in findings):
        return Status.FAILED  # also a stage that skipped itself: an expired suppression is loud
    if result.status is Status.SKIPPED:
        return result.status
    if result.unchecked:
        return Status.FAILED if gate.fail_on_unchecked else Status.WARNED
    return Status.WARNED if result.status is Status.WARNED else Status.PASSED


def _summary(result: StageResult, status: Status, gate: Gate) -> str:
    """The stage's own summary, plus the reason when unchecked items decide the verdict."""
    if not result.unchecked or status not in (Status.FAILED, Status.WARNED):
        return result.summary
    count = result.unchecked_count
    if gate.fail_on_unchecked:  # the reason it failed comes first, where a short line shows it
        why = f"fail_on_unchecked = true and {count} item(s) were not checked"
        return f"{why}; {result.summary}" if result.summary else why
    why = f"{count} item(s) not checked (set fail_on_unchecked = true to fail the gate)"
    return f"{result.summary}; {why}" if result.summary else why

"""Gate policy: from a stage's raw findings to a verdict (thresholds, suppressions, baseline)."""

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
) -> StageResult:
    """Decide each finding's state and the stage's final status.

    Order: a stage's own inline allowance (already SUPPRESSED) stays; a config suppression that has
    expired leaves the finding open and adds a loud finding of its own; a live one suppresses; under
    `fail_on` is below threshold; in the baseline (when `new_only`) is known; the rest are open.
    """
    today = today or date.today()
    sups = tuple(suppressions)
    findings: list[Finding] = []
    expired_used: dict[str, SuppressionLike] = {}
    for finding in result.findings:
        if finding.state is FindingState.SUPPRESSED:
            findings.append(finding)
            continue
        state, reason = _decide(finding, gate, sups, known, today, expired_used)
        findings.append(replace(finding, state=state, state_reason=reason))
    findings += [_expired_finding(result.stage, s) for s in expired_used.values()]
    return replace(result, findings=tuple(findings), status=_status(result, findings))


def _decide(
    finding: Finding,
    gate: Gate,
    sups: tuple[SuppressionLike, ...],
    known: frozenset[str],
    today: date,
    expired_used: dict[str, SuppressionLike],
) -> tuple[FindingState, str | None]:
    for sup in sups:
        if not sup.matches(finding):
            continue
        if sup.expires < today:
            expired_used[sup.where] = sup
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
        rule_id="expired-suppression",
        message=(
            f"suppression expired on {sup.expires} (reason was: {sup.reason}); "
            "fix the findings it covered, or renew it with a new reason and expiry date"
        ),
        severity=Severity.HIGH,
        fingerprint=fingerprint("expired-suppression", path, f"{sup.where}{sup.expires}"),
        location=Location(path=path, start_line=int(line) if line.isdigit() else None),
    )


def _status(result: StageResult, findings: list[Finding]) -> Status:
    if result.status in (Status.ERROR, Status.SKIPPED):
        return result.status
    if any(f.state is FindingState.OPEN for f in findings):
        return Status.FAILED
    return Status.WARNED if result.status is Status.WARNED else Status.PASSED

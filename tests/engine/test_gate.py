from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lockgate.engine.gate import apply_gate
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


def finding(
    rule: str, severity: Severity = Severity.HIGH, state: FindingState = FindingState.OPEN
) -> Finding:
    return Finding(
        stage="sast",
        tool="t",
        rule_id=rule,
        message="m",
        severity=severity,
        fingerprint=fingerprint(rule, "a.py", "x"),
        location=Location("a.py", 3),
        state=state,
    )


@dataclass(frozen=True)
class Sup:
    rule: str
    reason: str
    expires: date
    where: str = "lockgate.toml:7"

    def matches(self, f: Finding) -> bool:
        return f.rule_id == self.rule


TODAY = date(2026, 11, 26)
DEFAULT_GATE = Gate()


def gated(
    *findings: Finding, gate: Gate = DEFAULT_GATE, sups=(), known=frozenset(), status=Status.PASSED
):
    result = StageResult(stage="sast", status=status, findings=findings)
    return apply_gate(result, gate, sups, known, today=TODAY)


def test_open_finding_fails_the_stage() -> None:
    out = gated(finding("B1"))
    assert out.status is Status.FAILED
    assert out.findings[0].state is FindingState.OPEN


def test_below_threshold_passes() -> None:
    out = gated(finding("B1", Severity.LOW), gate=Gate(fail_on=Severity.HIGH))
    assert out.status is Status.PASSED
    assert out.findings[0].state is FindingState.BELOW_THRESHOLD


def test_known_finding_passes_with_new_only_but_fails_without() -> None:
    f = finding("B1")
    assert gated(f, known=frozenset({f.fingerprint})).status is Status.PASSED
    assert (
        gated(f, known=frozenset({f.fingerprint}), gate=Gate(new_only=False)).status
        is Status.FAILED
    )


def test_live_suppression_keeps_the_reason() -> None:
    out = gated(finding("B1"), sups=[Sup("B1", "false positive", date(2027, 1, 1))])
    assert out.status is Status.PASSED
    assert out.findings[0].state is FindingState.SUPPRESSED
    assert "false positive" in (out.findings[0].state_reason or "")


def test_expired_suppression_fails_loudly() -> None:
    out = gated(finding("B1"), sups=[Sup("B1", "fp", date(2026, 1, 1))])
    assert out.status is Status.FAILED
    rules = [f.rule_id for f in out.findings]
    assert rules == ["B1", "expired-suppression"]
    loud = out.findings[1]
    assert loud.location is not None and loud.location.path == "lockgate.toml"
    assert loud.location.start_line == 7
    assert "expired on 2026-01-01" in loud.message


def test_inline_allowance_from_the_stage_is_kept() -> None:
    out = gated(finding("S1", state=FindingState.SUPPRESSED))
    assert out.status is Status.PASSED


def test_error_and_warned_statuses() -> None:
    assert gated(status=Status.ERROR).status is Status.ERROR
    assert gated(status=Status.WARNED).status is Status.WARNED
    assert gated(finding("B1"), status=Status.WARNED).status is Status.FAILED

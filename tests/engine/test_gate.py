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
    Unchecked,
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


# --- unchecked: never plainly passed -----------------------------------------------------------

GAP = Unchecked("requirements.txt", "no advisory data for PyPI", 31, "set advisory_db")


def test_unchecked_items_make_a_passing_stage_warned_with_the_count() -> None:
    out = apply_gate(StageResult("deps", Status.PASSED, unchecked=(GAP,)), Gate(), today=TODAY)
    assert out.status is Status.WARNED
    assert "31 item(s) not checked" in out.summary


def test_fail_on_unchecked_fails_the_stage_and_says_why() -> None:
    raw = StageResult("deps", Status.WARNED, summary="0 of 31 checked", unchecked=(GAP,))
    out = apply_gate(raw, Gate(fail_on_unchecked=True), today=TODAY)
    assert out.status is Status.FAILED
    assert out.summary == (
        "fail_on_unchecked = true and 31 item(s) were not checked; 0 of 31 checked"
    )


def test_fail_on_unchecked_leaves_a_fully_checked_stage_alone() -> None:
    raw = StageResult("deps", Status.PASSED, summary="31 of 31 checked")
    out = apply_gate(raw, Gate(fail_on_unchecked=True), today=TODAY)
    assert (out.status, out.summary) == (Status.PASSED, "31 of 31 checked")


def test_unchecked_does_not_hide_an_error() -> None:
    out = apply_gate(StageResult("deps", Status.ERROR, unchecked=(GAP,)), Gate(), today=TODAY)
    assert out.status is Status.ERROR


# --- expired suppressions that match nothing ------------------------------------------------------


def test_expired_suppression_matching_nothing_fails_the_stage_that_reports_it() -> None:
    stale = Sup("NO-SUCH-RULE", "old false positive", date(2026, 1, 1), "lockgate.toml:12")
    out = apply_gate(
        StageResult("sast", Status.PASSED), Gate(), [stale], today=TODAY, expired_here=[stale]
    )
    assert out.status is Status.FAILED
    (loud,) = out.findings
    assert loud.rule_id == "expired-suppression" and loud.where == "lockgate.toml:12"
    assert "expired on 2026-01-01" in loud.message and "old false positive" in loud.message


def test_expired_suppression_is_reported_once_even_when_it_also_matches() -> None:
    stale = Sup("B1", "fp", date(2026, 1, 1))
    out = gated(finding("B1"), sups=[stale])
    again = apply_gate(
        StageResult("sast", Status.PASSED, findings=(finding("B1"),)),
        Gate(),
        [stale],
        today=TODAY,
        expired_here=[stale],
    )
    assert [f.rule_id for f in again.findings] == [f.rule_id for f in out.findings]


def test_live_suppression_matching_nothing_is_quiet() -> None:
    live = Sup("NO-SUCH-RULE", "fp", date(2027, 1, 1))
    out = apply_gate(
        StageResult("sast", Status.PASSED), Gate(), [live], today=TODAY, expired_here=[live]
    )
    assert out.status is Status.PASSED and out.findings == ()


def test_a_stage_that_skipped_itself_still_fails_on_an_expired_suppression() -> None:
    stale = Sup("X", "fp", date(2026, 1, 1))
    out = apply_gate(
        StageResult("deps", Status.SKIPPED), Gate(), [], today=TODAY, expired_here=[stale]
    )
    assert out.status is Status.FAILED

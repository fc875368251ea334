"""Sample runs, results, deployments and incidents that use every field the store keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from lockgate.model import (
    Deployment,
    DeploymentStatus,
    Finding,
    FindingState,
    Incident,
    Location,
    Metric,
    Run,
    RunStatus,
    Severity,
    StageResult,
    Status,
    TestCase,
    fingerprint,
)

T0 = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def run(run_id: str = "r1", minutes: float = 0, **changes: object) -> Run:
    values: dict[str, object] = {
        "id": run_id,
        "project": "shop",
        "started": at(minutes),
        "status": RunStatus.RUNNING,
        "branch": "main",
        "commit": "0123456789abcdef0123456789abcdef01234567",
    }
    values.update(changes)
    return Run(**values)  # type: ignore[arg-type]


FILE_FINDING = Finding(
    stage="sast",
    tool="bandit",
    rule_id="B602",
    message="subprocess call with shell=True",
    severity=Severity.HIGH,
    fingerprint=fingerprint("B602", "app/run.py", "subprocess.call(cmd, shell=True)"),
    location=Location("app/run.py", 12, 5, 12, 40),
    help_uri="https://example.invalid/B602",
    help_text="Pass a list of arguments instead.",
    tags=("CWE-78", "security"),
    state=FindingState.SUPPRESSED,
    state_reason="reviewed: input is a constant (expires 2027-01-01)",
)

PAGE_FINDING = Finding(
    stage="accessibility",
    tool="axe",
    rule_id="color-contrast",
    message="Element has insufficient colour contrast",
    severity=Severity.MEDIUM,
    fingerprint=fingerprint("color-contrast", "/checkout", "button.pay"),
    url="http://127.0.0.1:8080/checkout",
    selector="form > button.pay",
    tags=("wcag2aa", "wcag143"),
)

BARE_FINDING = Finding(
    stage="sast",
    tool="bandit",
    rule_id="B101",
    message="assert used",
    severity=Severity.LOW,
    fingerprint="f" * 20,
    location=Location("app/util.py"),
    state=FindingState.BELOW_THRESHOLD,
)

SAST = StageResult(
    stage="sast",
    status=Status.FAILED,
    findings=(FILE_FINDING, BARE_FINDING),
    metrics=(Metric("files", 42.0, "files"), Metric("duration", 1.25, "s")),
    artifacts=("sast/bandit.sarif", "/abs/path/report.json"),
    duration=3.5,
    tool_versions=(("bandit", "1.9.4"), ("semgrep", "1.185.0")),
    cached=False,
    summary="1 open finding at or above high",
)

TESTS = StageResult(
    stage="test",
    status=Status.PASSED,
    metrics=(Metric("coverage", 87.5, "%"),),
    duration=12.0,
    tool_versions=(("pytest", "9.2.0"),),
    cached=True,
    summary="120 passed",
    test_cases=(
        TestCase("tests.test_cart", "test_add", "passed", 0.012),
        TestCase("tests.test_cart", "test_remove", "failed", 0.5, "assert 1 == 2"),
        TestCase("tests.test_pay", "test_skip", "skipped", 0.0, "needs a card reader"),
    ),
)

A11Y = StageResult(stage="accessibility", status=Status.WARNED, findings=(PAGE_FINDING,))

SKIPPED = StageResult(stage="load", status=Status.SKIPPED, summary="no deployed URL")


def deployment(minutes: float = 0, **changes: object) -> Deployment:
    values: dict[str, object] = {
        "service": "shop",
        "environment": "staging",
        "version": "1.4.2",
        "commit": "0123456789abcdef0123456789abcdef01234567",
        "image_digest": "sha256:" + "a" * 64,
        "started": at(minutes),
        "status": DeploymentStatus.IN_PROGRESS,
        "triggered_by": "ci",
    }
    values.update(changes)
    return Deployment(**values)  # type: ignore[arg-type]


def incident(minutes: float = 0, **changes: object) -> Incident:
    values: dict[str, object] = {
        "service": "shop",
        "environment": "production",
        "opened": at(minutes),
    }
    values.update(changes)
    return Incident(**values)  # type: ignore[arg-type]


PLUS_TWO = timezone(timedelta(hours=2))

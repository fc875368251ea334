"""Hand-built runs for the report tests: a fixed, varied run and one full of hostile strings."""

from __future__ import annotations

from datetime import UTC, datetime

from lockgate.model import (
    Finding,
    FindingState,
    Location,
    Metric,
    Run,
    RunStatus,
    Severity,
    StageResult,
    Status,
    TestCase,
    Unchecked,
    fingerprint,
)

STARTED = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
FINISHED = datetime(2026, 3, 14, 9, 28, 4, tzinfo=UTC)

HOSTILE = (
    '<script>alert(1)</script> "><img src=x onerror=alert(2)> '
    "| `tick` | **bold** [link](javascript:alert(3)) @octo-org/team ]]> &amp; "
    "\x00\x1b[31m\x07 \ud800 line1\nline2\r\n# heading"
)


def finding(
    stage: str,
    tool: str,
    rule: str,
    message: str,
    severity: Severity,
    *,
    path: str | None = None,
    line: int | None = None,
    state: FindingState = FindingState.OPEN,
    **extra: object,
) -> Finding:
    location = Location(path, line) if path is not None else extra.pop("location", None)
    digest = extra.pop("fingerprint", None) or fingerprint(
        *(_utf8(s) for s in (rule, path or str(extra.get("url", "")), message))
    )
    return Finding(
        stage=stage,
        tool=tool,
        rule_id=rule,
        message=message,
        severity=severity,
        fingerprint=digest,  # type: ignore[arg-type]
        location=location,  # type: ignore[arg-type]
        state=state,
        **extra,  # type: ignore[arg-type]
    )


def _utf8(text: str) -> str:
    """model.fingerprint() needs encodable text; the hostile strings carry a lone surrogate."""
    return text.encode("utf-8", "replace").decode()


def build_sample_run() -> Run:
    lint = StageResult(
        stage="lint",
        status=Status.FAILED,
        duration=1.234,
        cached=True,
        summary="1 open finding at or above low",
        tool_versions=(("ruff", "0.17.6"),),
        metrics=(Metric("files_checked", 42),),
        findings=(
            finding(
                "lint",
                "ruff",
                "F401",
                "`os` imported but unused",
                Severity.LOW,
                location=Location("src/app/main.py", 3, 8, 3, 10),
                help_uri="https://docs.astral.sh/ruff/rules/unused-import/",
                help_text="Remove unused imports.",
            ),
            finding(
                "lint",
                "ruff",
                "E741",
                "Ambiguous variable name: `l`",
                Severity.INFO,
                path="src/app/util.py",
                line=17,
                state=FindingState.BELOW_THRESHOLD,
                state_reason="info is below fail_on=low",
            ),
            finding(
                "lint",
                "ruff",
                "S101",
                "Use of `assert` detected",
                Severity.LOW,
                path="src/app/checks.py",
                line=5,
                state=FindingState.SUPPRESSED,
                state_reason="test helper; expires 2026-06-30",
            ),
        ),
    )
    secrets = StageResult(
        stage="secrets",
        status=Status.PASSED,
        duration=0.412,
        summary="no new secrets",
        tool_versions=(("detect-secrets", "1.5.0"),),
        findings=(
            finding(
                "secrets",
                "detect-secrets",
                "KeywordDetector",
                "Secret Keyword: password = '********'",
                Severity.HIGH,
                path="config/settings.py",
                line=12,
                tags=("CWE-798",),
                state=FindingState.KNOWN,
                state_reason="in the baseline .lockgate/baseline.json",
            ),
        ),
    )
    sast = StageResult(
        stage="sast",
        status=Status.FAILED,
        duration=2.5,
        summary="1 open finding at or above medium",
        tool_versions=(("bandit", "1.9.4"),),
        findings=(
            finding(
                "sast",
                "bandit",
                "B602",
                "subprocess call with shell=True identified, security issue.",
                Severity.HIGH,
                location=Location("src/app/run.py", 20, 5, 20, 40),
                tags=("CWE-78",),
                help_uri="https://bandit.readthedocs.io/en/1.9.4/plugins/b602.html",
            ),
        ),
    )
    test = StageResult(
        stage="test",
        status=Status.FAILED,
        duration=65.0,
        summary="1 test failed; coverage 87.5% under the 90% floor",
        tool_versions=(("pytest", "9.2.0"),),
        metrics=(Metric("coverage", 87.5, "%"), Metric("tests", 4)),
        artifacts=("test/junit.xml", "test/coverage.xml"),
        findings=(
            finding(
                "test",
                "pytest",
                "test-failure",
                "tests/test_app.py::test_total failed: assert 3 == 4",
                Severity.HIGH,
                path="tests/test_app.py",
                line=10,
            ),
            finding(
                "test",
                "lockgate",
                "coverage-floor",
                "line coverage 87.5% is below the floor of 90%",
                Severity.MEDIUM,
            ),
        ),
        test_cases=(
            TestCase("tests.test_app", "test_home", "passed", 0.012),
            TestCase("tests.test_app", "test_total", "failed", 0.031, "assert 3 == 4\n  where 3"),
            TestCase("tests.test_app", "test_slow", "skipped", 0.0, "needs a database"),
            TestCase("tests.test_api", "test_health", "passed", 0.004),
        ),
    )
    a11y = StageResult(
        stage="accessibility",
        status=Status.WARNED,
        duration=12.75,
        summary="1 finding below the fail_on threshold",
        tool_versions=(("axe-core", "4.14.1"),),
        findings=(
            finding(
                "accessibility",
                "axe-core",
                "image-alt",
                "Images must have alternate text",
                Severity.MEDIUM,
                url="http://127.0.0.1:8080/",
                selector="img.logo",
                tags=("wcag2a", "wcag111"),
                help_uri="https://dequeuniversity.com/rules/axe/4.14/image-alt",
                state=FindingState.BELOW_THRESHOLD,
                state_reason="medium is below fail_on=high",
            ),
        ),
    )
    deps = StageResult(
        stage="deps",
        status=Status.WARNED,
        duration=0.8,
        summary="0 of 31 packages checked; 31 item(s) not checked",
        tool_versions=(("lockgate-deps", "0.1.0"),),
        metrics=(Metric("dependencies", 31, "packages"),),
        unchecked=UNCHECKED,
    )
    docs = StageResult(stage="docs", status=Status.SKIPPED, summary="no docs/ directory")
    deploy = StageResult(
        stage="deploy",
        status=Status.ERROR,
        duration=30.0,
        summary="health check timed out after 30 s",
        tool_versions=(("podman", "4.3.1"),),
    )
    return Run(
        id="run-20260314-0926",
        project="parcel-service",
        started=STARTED,
        finished=FINISHED,
        status=RunStatus.FAILED,
        branch="feature/labels",
        commit="3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345",
        results=(lint, secrets, sast, test, a11y, deps, docs, deploy),
    )


UNCHECKED = (
    Unchecked(
        "requirements.txt",
        "no advisory data for PyPI in the configured source",
        31,
        "run `lockgate advisories sync` or set [stages.deps] advisory_db",
    ),
)


def build_unchecked_run() -> Run:
    """A run whose gates all passed, but whose deps stage checked 0 of 31 packages."""
    lint = StageResult(
        stage="lint",
        status=Status.PASSED,
        duration=0.5,
        summary="no findings",
        tool_versions=(("ruff", "0.17.6"),),
    )
    deps = StageResult(
        stage="deps",
        status=Status.WARNED,
        duration=0.8,
        summary="0 of 31 packages checked",
        metrics=(Metric("dependencies", 31, "packages"),),
        unchecked=UNCHECKED,
    )
    return Run(
        id="run-unchecked",
        project="parcel-service",
        started=STARTED,
        finished=FINISHED,
        status=RunStatus.PASSED,
        branch="main",
        commit="3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345",
        results=(lint, deps),
    )


def build_hostile_run() -> Run:
    h = HOSTILE
    findings = (
        finding(h, h, h, h, Severity.CRITICAL, location=Location(h, 1, 1), fingerprint=h),
        finding(h, h, h, h, Severity.HIGH, url=h, selector=h, help_uri=h, help_text=h, tags=(h,)),
        finding(h, h, h, h, Severity.LOW, state=FindingState.SUPPRESSED, state_reason=h),
        finding(h, h, h, h, Severity.MEDIUM, path=h, state=FindingState.KNOWN, state_reason=h),
    )
    result = StageResult(
        stage=h,
        status=Status.FAILED,
        findings=findings,
        metrics=(Metric(h, 1.0, h), Metric("nan", float("nan"))),
        artifacts=(h,),
        tool_versions=((h, h),),
        summary=h,
        test_cases=(TestCase(h, h, "failed", 0.1, h), TestCase(h, h, h, 0.0, h)),
        unchecked=(Unchecked(h, h, 3, h),),
    )
    return Run(
        id=h,
        project=h,
        started=STARTED,
        finished=FINISHED,
        status=RunStatus.FAILED,
        branch=h,
        commit=h,
        results=(result, result.with_(stage="ok", status=Status.PASSED, findings=())),
    )

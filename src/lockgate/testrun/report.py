"""Turn a test run into a StageResult: failing tests and a missed coverage floor become findings."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from lockgate.model import (
    Finding,
    Location,
    Metric,
    Severity,
    StageResult,
    Status,
    TestCase,
    fingerprint,
)
from lockgate.testrun.command import Plan, Request, inside
from lockgate.testrun.junit import Case
from lockgate.tools import proc

STAGE = "test"
PYTEST_NO_TESTS = 5


def result(
    req: Request,
    done: proc.Completed,
    parsed: list[Case],
    coverage: float | None,
    plan: Plan,
    started: float,
) -> StageResult:
    cases = [c for c, _, _ in parsed]
    findings = [
        _failure(req.project, c, f, ln) for c, f, ln in parsed if c.outcome in ("failed", "error")
    ]
    floor = _coverage_floor(req, coverage, plan)
    if floor:
        findings.append(floor)
    counts = {o: sum(c.outcome == o for c in cases) for o in ("failed", "error", "skipped")}
    metrics = [
        Metric("tests", len(cases)),
        Metric("failures", counts["failed"]),
        Metric("errors", counts["error"]),
        Metric("skipped", counts["skipped"]),
        Metric("duration", round(sum(c.duration for c in cases), 3), "s"),
    ]
    if coverage is not None:
        metrics.append(Metric("coverage_percent", round(coverage, 2), "%"))
    artifacts = tuple(
        str(p)
        for p in (plan.junit, *(req.artifacts / f"coverage.{x}" for x in ("json", "xml")))
        if p.exists()
    )
    status, summary = _verdict(done, cases, counts, coverage)
    return StageResult(
        stage=STAGE,
        status=status,
        findings=tuple(findings),
        metrics=tuple(metrics),
        artifacts=artifacts,
        duration=time.monotonic() - started,
        summary=summary,
        test_cases=tuple(cases),
    )


def _verdict(
    done: proc.Completed, cases: Sequence[TestCase], counts: dict[str, int], coverage: float | None
) -> tuple[Status, str]:
    cov = f", coverage {coverage:.1f}%" if coverage is not None else ""
    if not cases:
        why = (
            "pytest collected no tests"
            if done.returncode == PYTEST_NO_TESTS
            else "the JUnit report lists no tests"
        )
        return Status.WARNED, f"no tests ran: {why}; add tests (pytest looks for tests/test_*.py)"
    if done.returncode not in (0, 1, 2) and not (counts["failed"] or counts["error"]):
        return Status.ERROR, f"the test command failed without failing tests: {done.describe()}"
    bad = counts["failed"] + counts["error"]
    return Status.PASSED, f"{len(cases)} tests, {bad} failing, {counts['skipped']} skipped{cov}"


def _failure(project: Path, case: TestCase, file: str | None, line: int | None) -> Finding:
    path = file if file and (project / file).is_file() else _guess_file(project, case.classname)
    ident = f"{case.classname}::{case.name}"
    label = "failed" if case.outcome == "failed" else "errored"
    detail = f": {case.message}" if case.message else ""
    return Finding(
        stage=STAGE,
        tool="pytest",
        rule_id="test-failure",
        message=f"{ident} {label}{detail}",
        severity=Severity.HIGH,
        fingerprint=fingerprint("test-failure", path or case.classname, ident),
        location=Location(path, line if path else None) if path else None,
        help_text="run the test locally (`python -m pytest -x <file>`), fix the code or the test",
    )


def _guess_file(project: Path, classname: str) -> str | None:
    """tests.test_api.TestX -> tests/test_api.py when that file exists."""
    parts = classname.split(".")
    for end in range(len(parts), 0, -1):
        candidate = "/".join(parts[:end]) + ".py"
        if (project / candidate).is_file():
            return candidate
    return None


def _coverage_floor(req: Request, coverage: float | None, plan: Plan) -> Finding | None:
    floor = float(req.options["coverage_min"])
    if floor <= 0 or (coverage is not None and coverage >= floor):
        return None
    if coverage is None:
        why = "coverage was not measured" + (
            "" if plan.coverage else " (coverage.py is not installed for the tests)"
        )
        message = f"{why}; coverage_min is {floor:g}%"
    else:
        message = f"line coverage {coverage:.1f}% is below coverage_min {floor:g}%"
    return Finding(
        stage=STAGE,
        tool="coverage.py",
        rule_id="coverage-floor",
        message=message,
        severity=Severity.HIGH,
        fingerprint=fingerprint("coverage-floor", ".", f"coverage_min {floor:g}"),
        help_text="add tests for the uncovered lines (see coverage.json / coverage.xml in the artifacts)",
    )


def junit_error(
    req: Request, plan: Plan, done: proc.Completed, why: str, origin: str, started: float
) -> StageResult:
    fix = _junit_fix(req, plan, done, origin)
    rel = _rel(req.project, plan.junit)
    finding = Finding(
        stage=STAGE,
        tool="lockgate",
        rule_id="junit-unreadable",
        message=f"{why} (test command exited {done.returncode})",
        severity=Severity.HIGH,
        fingerprint=fingerprint("junit-unreadable", rel, ""),
        location=Location(rel) if inside(req.project, plan.junit) else None,
        help_text=fix,
    )
    return error(f"{why}; fix: {fix}. {done.describe()}", started, [finding])


def _junit_fix(req: Request, plan: Plan, done: proc.Completed, origin: str) -> str:
    if req.options["command"]:
        return "make the test command write JUnit XML to junit_path (pytest: --junitxml=PATH)"
    if "ModuleNotFoundError" in done.stdout + done.stderr:
        return (
            f"the tests ran with {plan.python} ({origin}), which lacks a module they import: "
            "declare it in the project's requirements*.txt, uv.lock or pyproject.toml (lockgate "
            "creates the environment from them), create the project's .venv, "
            "or set [stages.test] python"
        )
    return "pytest stopped before writing its report: see its output below"


def missing_pytest(python: str, origin: str) -> str:
    return (
        f"pytest is not installed for {python} ({origin}); fix: add pytest and coverage to the "
        f"project's test requirements, or `{python} -m pip install pytest coverage`, "
        "or set [stages.test] python / command"
    )


def timed_out(req: Request, started: float) -> StageResult:
    finding = Finding(
        stage=STAGE,
        tool="lockgate",
        rule_id="test-timeout",
        message=f"the tests did not finish within {req.timeout:g} s and were stopped",
        severity=Severity.HIGH,
        fingerprint=fingerprint("test-timeout", ".", ""),
        help_text="find the hanging test (pytest --durations=10), or raise [stages.test] timeout",
    )
    return error(finding.message, started, [finding])


def error(summary: str, started: float, findings: list[Finding]) -> StageResult:
    return StageResult(
        stage=STAGE,
        status=Status.ERROR,
        findings=tuple(findings),
        duration=time.monotonic() - started,
        summary=summary,
    )


def _rel(project: Path, path: Path) -> str:
    if inside(project, path):
        return path.resolve().relative_to(project.resolve()).as_posix()
    return str(path)

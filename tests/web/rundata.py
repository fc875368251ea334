"""Stored runs for the run page and the build measures: hostile strings, report files, a flaky test.

Three runs of `shop` (newest first): NEWEST on commit SHA with a failing test, findings of
four stages, accessibility and load figures and its report files; OLDER on the same commit, where
that test passed (so it is flaky); JUNIT_ONLY with no stored test cases but a JUnit report in
its report folder. Beside them, a file outside every report folder the server must never serve.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

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
    fingerprint,
)
from lockgate.store.repository import Store

EVIL = '<script>alert("x")</script>'
SHA = "a" * 40
NEWEST = "20260301T100000Z-aaaaaa"
OLDER = "20260228T100000Z-bbbbbb"
JUNIT_ONLY = "20260227T100000Z-cccccc"
SECRET = "not for the dashboard"
EVIL_FILE = f"src/{EVIL}.py"
EVIL_TEST = f"test_{EVIL}"


def _finding(stage: str, rule: str, message: str, severity: Severity, **more: object) -> Finding:
    return Finding(
        stage=stage,
        tool=f"{stage}-tool",
        rule_id=rule,
        message=message,
        severity=severity,
        fingerprint=fingerprint(rule, stage, message),
        **more,  # type: ignore[arg-type]
    )


def _newest_results(flaky_outcome: str) -> tuple[StageResult, ...]:
    lint = StageResult(
        "lint",
        Status.FAILED,
        findings=(
            _finding(
                "lint",
                "E999",
                f"bad code {EVIL}",
                Severity.HIGH,
                location=Location(EVIL_FILE, 3),
                help_uri="javascript:alert(1)",
                help_text=f"fix it {EVIL}",
            ),
            _finding(
                "lint",
                "W1",
                "a small thing",
                Severity.LOW,
                location=Location("src/app.py", 9),
                help_uri="https://example.org/rules/W1",
                state=FindingState.KNOWN,
                state_reason="in the baseline",
            ),
        ),
        duration=1.25,
        summary="2 findings",
    )
    secrets = StageResult("secrets", Status.PASSED, duration=0.1, cached=True, summary="clean")
    cases = (
        TestCase("tests.test_api", "test_ok", "passed", 0.01),
        TestCase("tests.test_api", EVIL_TEST, flaky_outcome, 0.02, f"assert {EVIL}"),
        TestCase("tests.test_api", "test_later", "skipped", 0.0, "not yet"),
    )
    test = StageResult(
        "test",
        Status.FAILED if flaky_outcome == "failed" else Status.PASSED,
        findings=(
            (_finding("test", "test-failure", f"{EVIL_TEST} failed", Severity.HIGH),)
            if flaky_outcome == "failed"
            else ()
        ),
        metrics=(Metric("tests", 3), Metric("coverage_percent", 81.5, "%")),
        duration=4.5,
        test_cases=cases,
        summary="3 tests",
    )
    a11y = StageResult(
        "accessibility",
        Status.WARNED,
        findings=(
            _finding(
                "accessibility",
                "color-contrast",
                "text too faint",
                Severity.MEDIUM,
                url="http://127.0.0.1:8000/",
                selector="p.faint",
            ),
        ),
        metrics=(Metric("barriers", 1, "findings"),),
        duration=2.0,
    )
    load = StageResult(
        "load",
        Status.PASSED,
        metrics=(Metric("load_p95", 120, "ms"), Metric("load_rps", 350.0, "req/s")),
        duration=30.0,
    )
    return (lint, secrets, test, a11y, load)


def fill_runs(store: Store, root: Path, now: datetime) -> None:
    newest = now - timedelta(days=1, hours=2)
    for run_id, started, outcome in (
        (NEWEST, newest, "failed"),
        (OLDER, newest - timedelta(days=1), "passed"),
    ):
        store.save_run(
            Run(
                run_id,
                "shop",
                started,
                RunStatus.FAILED if outcome == "failed" else RunStatus.PASSED,
                started + timedelta(minutes=1),
                branch=f"feature/{EVIL}",
                commit=SHA,
                results=_newest_results(outcome),
            )
        )
    reports = root / ".lockgate" / "reports"
    junit_at = reports / JUNIT_ONLY / "artifacts" / "test" / "junit.xml"
    started = newest - timedelta(days=2)
    store.save_run(
        Run(
            JUNIT_ONLY,
            "shop",
            started,
            RunStatus.FAILED,
            started + timedelta(minutes=2),
            commit="b" * 40,
            results=(StageResult("test", Status.FAILED, artifacts=(str(junit_at),), duration=3.0),),
        )
    )
    _report_files(reports)


def _report_files(reports: Path) -> None:
    folder = reports / NEWEST
    folder.mkdir(parents=True)
    (folder / "lockgate.sarif").write_text('{"version": "2.1.0", "runs": []}\n')
    (folder / "junit.xml").write_text('<testsuites name="lockgate"/>\n')
    (folder / "report.html").write_text(f"<!doctype html><title>report</title><p>{EVIL}</p>\n")
    (reports.parent / "secret.txt").write_text(SECRET)
    os.symlink(reports.parent / "secret.txt", folder / "results.json")  # must not be served
    junit = reports / JUNIT_ONLY / "artifacts" / "test"
    junit.mkdir(parents=True)
    (junit / "junit.xml").write_text(
        '<testsuite name="t">'
        '<testcase classname="tests.test_x" name="test_fine" time="0.1"/>'
        '<testcase classname="tests.test_x" name="test_broken" time="0.2">'
        '<failure message="boom">trace</failure></testcase>'
        "</testsuite>"
    )

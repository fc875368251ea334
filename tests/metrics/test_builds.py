"""Build and quality measures over runs, checked by hand: pass rates, cache hits, durations,
tests, coverage, findings by stage and severity, flaky tests; nothing measured is None, not 0."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lockgate.metrics.builds import flaky_tests, measure, measure_run
from lockgate.model import (
    Finding,
    FindingState,
    Metric,
    Run,
    RunStatus,
    Severity,
    StageResult,
    Status,
    TestCase,
)

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _run(n: int, results: tuple[StageResult, ...], commit: str | None = "c1") -> Run:
    started = T0 - timedelta(hours=n)
    return Run(
        f"r{n}", "svc", started, RunStatus.PASSED, started + timedelta(seconds=90), None, commit,
        results,
    )  # fmt: skip


def _finding(stage: str, severity: Severity, state: FindingState = FindingState.OPEN) -> Finding:
    return Finding(stage, "t", "R1", "m", severity, f"{stage}{severity}", state=state)


def _tests(*outcomes: str) -> tuple[TestCase, ...]:
    return tuple(TestCase("tests.t", f"test_{i}", o) for i, o in enumerate(outcomes))


def test_a_stages_pass_rate_counts_only_the_runs_that_ran_it() -> None:
    runs = [  # newest first
        _run(0, (StageResult("lint", Status.FAILED, duration=4.0),)),
        _run(1, (StageResult("lint", Status.WARNED, duration=2.0, cached=True),)),
        _run(2, (StageResult("lint", Status.SKIPPED),)),
        _run(3, (StageResult("lint", Status.PASSED, duration=1.0, cached=True),)),
        _run(4, (StageResult("lint", Status.ERROR, duration=8.0),)),
    ]
    [lint] = measure(runs).stages
    assert (lint.runs, lint.passed, lint.failed, lint.skipped) == (5, 2, 2, 1)
    assert lint.pass_rate == 0.5  # warned counts as passed; skipped counts for neither
    assert lint.cache_rate == 0.5  # 2 of the 4 that ran
    assert lint.duration.median == 3.0 and lint.duration.p90 == 8.0  # 1, 2, 4, 8
    assert (lint.latest_status, lint.latest_seconds) == (Status.FAILED, 4.0)


def test_stages_come_in_the_order_the_newest_run_lists_them() -> None:
    runs = [
        _run(0, (StageResult("b", Status.PASSED), StageResult("a", Status.PASSED))),
        _run(1, (StageResult("a", Status.PASSED), StageResult("c", Status.PASSED))),
    ]
    assert [t.stage for t in measure(runs).stages] == ["b", "a", "c"]


def test_one_runs_tests_coverage_findings_and_figures() -> None:
    run = _run(
        0,
        (
            StageResult(
                "lint",
                Status.FAILED,
                findings=(
                    _finding("lint", Severity.LOW),
                    _finding("lint", Severity.HIGH),
                    _finding("lint", Severity.HIGH, FindingState.SUPPRESSED),
                ),
            ),
            StageResult(
                "test",
                Status.FAILED,
                findings=(_finding("test", Severity.HIGH),),
                metrics=(Metric("tests", 5), Metric("coverage_percent", 72.25, "%")),
                test_cases=_tests("passed", "failed", "error", "skipped", "passed"),
            ),
            StageResult("accessibility", Status.WARNED, metrics=(Metric("barriers", 3),)),
            StageResult("load", Status.PASSED, metrics=(Metric("load_p95", 80, "ms"),)),
        ),
    )
    m = measure_run(run)
    assert m.seconds == 90.0
    assert m.tests is not None
    assert (m.tests.tests, m.tests.failed, m.tests.errors, m.tests.skipped) == (5, 1, 1, 1)
    assert (m.tests.passed, m.tests.failing) == (2, 2)
    assert m.coverage == 72.25
    assert (m.findings, m.open_findings) == (4, 3)
    assert m.by_stage_severity == (
        ("lint", Severity.HIGH, 2),
        ("lint", Severity.LOW, 1),
        ("test", Severity.HIGH, 1),
    )
    assert (m.accessibility, m.load_p95_ms, m.load_rps) == (3, 80.0, None)


def test_what_a_run_did_not_measure_is_none_not_zero() -> None:
    m = measure_run(_run(0, (StageResult("lint", Status.PASSED),)))
    assert m.tests is None and m.coverage is None
    assert m.accessibility is None and m.load_p95_ms is None and m.load_rps is None
    no_tests_found = measure_run(
        _run(0, (StageResult("test", Status.WARNED, metrics=(Metric("tests", 0),)),))
    )
    assert no_tests_found.tests is not None and no_tests_found.tests.tests == 0


def test_the_newest_run_that_measured_something_gives_its_latest_value() -> None:
    runs = [
        _run(0, (StageResult("lint", Status.PASSED),)),  # no coverage in the newest run
        _run(1, (StageResult("test", Status.PASSED, metrics=(Metric("coverage_percent", 60),)),)),
        _run(2, (StageResult("test", Status.PASSED, metrics=(Metric("coverage_percent", 50),)),)),
    ]
    found = measure(runs).latest(lambda r: r.coverage)
    assert found is not None and found[0].run_id == "r1" and found[1] == 60.0
    assert measure(runs).latest(lambda r: r.load_rps) is None


@pytest.mark.parametrize(
    ("runs", "flaky"),
    [
        # failed then passed on one commit: flaky
        ([("c1", ("failed",)), ("c1", ("passed",))], [("tests.t::test_0", "c1", 1, 1)]),
        # an error counts as failing
        ([("c1", ("error",)), ("c1", ("passed",))], [("tests.t::test_0", "c1", 1, 1)]),
        # a fix on the next commit is not flaky
        ([("c2", ("passed",)), ("c1", ("failed",))], []),
        # skipped is neither
        ([("c1", ("skipped",)), ("c1", ("passed",))], []),
        # runs without a commit are not compared
        ([(None, ("failed",)), (None, ("passed",))], []),
        # a rerun within one run (the same test twice) counts too
        ([("c1", ("failed", "passed"))], [("tests.t::test_0", "c1", 1, 1)]),
    ],
)
def test_flaky_tests_failed_and_passed_on_one_commit(
    runs: list[tuple[str | None, tuple[str, ...]]], flaky: list[tuple[str, str, int, int]]
) -> None:
    stored = [
        _run(
            i,
            (
                StageResult(
                    "test",
                    Status.PASSED,
                    test_cases=tuple(TestCase("tests.t", "test_0", o) for o in outcomes),
                ),
            ),
            commit,
        )
        for i, (commit, outcomes) in enumerate(runs)
    ]
    assert [(f.test, f.commit, f.failed, f.passed) for f in flaky_tests(stored)] == flaky


def test_flaky_tests_name_their_runs_newest_first() -> None:
    stored = [
        _run(i, (StageResult("test", Status.PASSED, test_cases=_tests(o)),))
        for i, o in enumerate(("passed", "failed", "failed"))
    ]
    [flaky] = flaky_tests(stored)
    assert (flaky.failed, flaky.passed, flaky.runs) == (2, 1, ("r0", "r1", "r2"))

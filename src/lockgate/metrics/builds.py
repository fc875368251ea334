"""Build and quality measures from stored runs: per run, and over a service's recent runs.

Per run: its duration, test counts and failures, coverage, findings by stage and severity,
accessibility barriers, load p95 and requests per second. Over runs: each stage's pass rate
(passed or warned, out of the runs that ran it: a skipped stage counts for neither), cache hits
and durations; and flaky tests, the same test failing and passing on one commit.

Values a stage records as metrics are read by their names (the test stage's `tests` and
`coverage_percent`, the accessibility stage's `barriers`, the load stage's `load_p95` and
`load_rps`); a run that did not measure something has None there, never a zero.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from lockgate.metrics.model import Stats
from lockgate.metrics.stats import summarise
from lockgate.model import FindingState, Run, RunStatus, Severity, StageResult, Status, TestCase

T = TypeVar("T")
PASSING = (Status.PASSED, Status.WARNED)
FAILING = (Status.FAILED, Status.ERROR)
TEST_FAILING = ("failed", "error")
TESTS, COVERAGE = "tests", "coverage_percent"
BARRIERS, LOAD_P95, LOAD_RPS = "barriers", "load_p95", "load_rps"


@dataclass(frozen=True)
class TestCounts:
    __test__ = False  # not a pytest class

    tests: int
    failed: int
    errors: int
    skipped: int

    @property
    def passed(self) -> int:
        return self.tests - self.failed - self.errors - self.skipped

    @property
    def failing(self) -> int:
        return self.failed + self.errors


@dataclass(frozen=True)
class RunMeasures:
    run_id: str
    started: datetime
    status: RunStatus
    branch: str | None
    commit: str | None
    seconds: float | None  # finished - started; None while running or interrupted without end
    stages: int
    cached_stages: int
    tests: TestCounts | None  # None: the run ran no tests
    coverage: float | None  # percent of lines
    findings: int
    open_findings: int  # those that fail a gate
    by_stage_severity: tuple[tuple[str, Severity, int], ...]  # stage order, worst severity first
    accessibility: int | None  # barriers the accessibility stage found
    load_p95_ms: float | None
    load_rps: float | None


@dataclass(frozen=True)
class StageTrend:
    stage: str
    runs: int  # runs that recorded the stage
    passed: int  # passed or warned
    failed: int  # failed or error
    skipped: int
    cached: int  # cache hits among the runs that ran it
    duration: Stats  # seconds, over the runs that ran it (not skipped)
    latest_status: Status
    latest_seconds: float

    @property
    def pass_rate(self) -> float | None:
        ran = self.passed + self.failed
        return self.passed / ran if ran else None

    @property
    def cache_rate(self) -> float | None:
        ran = self.passed + self.failed
        return self.cached / ran if ran else None


@dataclass(frozen=True)
class FlakyTest:
    test: str  # classname::name
    commit: str
    failed: int  # times it failed or errored on that commit
    passed: int  # times it passed on that commit
    runs: tuple[str, ...]  # the runs, newest first


@dataclass(frozen=True)
class BuildMeasures:
    runs: tuple[RunMeasures, ...]  # newest first
    stages: tuple[StageTrend, ...]  # in the order the newest runs list them
    flaky: tuple[FlakyTest, ...]

    def latest(self, value: Callable[[RunMeasures], T | None]) -> tuple[RunMeasures, T] | None:
        """The newest run that measured `value`, with it."""
        for run in self.runs:
            got = value(run)
            if got is not None:
                return run, got
        return None


def measure(runs: Sequence[Run]) -> BuildMeasures:
    """`runs` newest first, with their results."""
    return BuildMeasures(tuple(measure_run(r) for r in runs), stage_trends(runs), flaky_tests(runs))


def measure_run(run: Run) -> RunMeasures:
    findings = [f for r in run.results for f in r.findings]
    return RunMeasures(
        run_id=run.id,
        started=run.started,
        status=run.status,
        branch=run.branch,
        commit=run.commit,
        seconds=(run.finished - run.started).total_seconds() if run.finished else None,
        stages=len(run.results),
        cached_stages=sum(r.cached for r in run.results),
        tests=count_tests(run.results),
        coverage=_metric(run.results, COVERAGE),
        findings=len(findings),
        open_findings=sum(f.state is FindingState.OPEN for f in findings),
        by_stage_severity=by_stage_severity(run.results),
        accessibility=_count(_metric(run.results, BARRIERS)),
        load_p95_ms=_metric(run.results, LOAD_P95),
        load_rps=_metric(run.results, LOAD_RPS),
    )


def count_tests(results: Sequence[StageResult]) -> TestCounts | None:
    cases = [c for r in results for c in r.test_cases]
    if not cases and _metric(results, TESTS) is None:
        return None
    outcomes = Counter(c.outcome for c in cases)
    return TestCounts(len(cases), outcomes["failed"], outcomes["error"], outcomes["skipped"])


def by_stage_severity(results: Sequence[StageResult]) -> tuple[tuple[str, Severity, int], ...]:
    counts = Counter((f.stage, f.severity) for r in results for f in r.findings)
    order = {r.stage: i for i, r in enumerate(results)}
    return tuple(
        (stage, severity, n)
        for (stage, severity), n in sorted(
            counts.items(), key=lambda kv: (order.get(kv[0][0], len(order)), -kv[0][1].rank)
        )
    )


def stage_trends(runs: Sequence[Run]) -> tuple[StageTrend, ...]:
    results: dict[str, list[StageResult]] = defaultdict(list)  # newest first, first seen first
    for run in runs:
        for r in run.results:
            results[r.stage].append(r)
    return tuple(_trend(stage, found) for stage, found in results.items())


def _trend(stage: str, found: list[StageResult]) -> StageTrend:
    ran = [r for r in found if r.status is not Status.SKIPPED]
    return StageTrend(
        stage=stage,
        runs=len(found),
        passed=sum(r.status in PASSING for r in found),
        failed=sum(r.status in FAILING for r in found),
        skipped=len(found) - len(ran),
        cached=sum(r.cached for r in ran),
        duration=summarise(r.duration for r in ran),
        latest_status=found[0].status,
        latest_seconds=found[0].duration,
    )


def flaky_tests(runs: Sequence[Run]) -> tuple[FlakyTest, ...]:
    """Tests that both failed and passed on one commit (runs without a commit are not compared)."""
    seen: dict[tuple[str, str], list[tuple[str, TestCase]]] = defaultdict(list)
    for run in runs:
        if not run.commit:
            continue
        for r in run.results:
            for case in r.test_cases:
                seen[(f"{case.classname}::{case.name}", run.commit)].append((run.id, case))
    flaky = []
    for (test, commit), cases in seen.items():
        failed = sum(c.outcome in TEST_FAILING for _, c in cases)
        passed = sum(c.outcome == "passed" for _, c in cases)
        if failed and passed:
            ids = tuple(dict.fromkeys(run_id for run_id, _ in cases))
            flaky.append(FlakyTest(test, commit, failed, passed, ids))
    return tuple(sorted(flaky, key=lambda f: (-f.failed, f.test)))


def _metric(results: Sequence[StageResult], name: str) -> float | None:
    for r in results:
        for m in r.metrics:
            if m.name == name:
                return float(m.value)
    return None


def _count(value: float | None) -> int | None:
    return None if value is None else int(value)

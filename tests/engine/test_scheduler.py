"""The scheduler: parallel where the graph allows, timeouts that stop processes, cache, skips.

No wall-clock bounds here (timing claims live in bench/): each test waits for the event it
asserts about, with a generous bound only so that a broken scheduler fails instead of hanging.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from lockgate.engine.cache import StageCache
from lockgate.engine.graph import build_plan
from lockgate.engine.scheduler import Job, execute
from lockgate.model import Severity, StageResult, Status
from lockgate.stages.interface import Gate, StageContext
from lockgate.tools import proc
from tests.testing.fakes import make_stage
from tests.testing.harness import make_context

HANG_GUARD = 60.0  # seconds: only a broken scheduler gets near this


def run_all(
    stage_classes: list[type],
    tmp_path: Path,
    *,
    workers: int = 4,
    cache: bool = False,
    timeout: float = 30,
    timeouts: dict[str, float] | None = None,
    grace: float = 0.0,
):
    stages = {cls.name: cls for cls in stage_classes}
    plan = build_plan(stages)
    events: list[tuple[str, str]] = []

    def ctx_for(name: str):
        def make(upstream):
            limit = (timeouts or {}).get(name, timeout)
            art = tmp_path / "reports" / name
            return make_context(
                stages[name], tmp_path, art, gate=Gate(timeout=limit), upstream=upstream
            )

        return make

    def decide(result: StageResult) -> StageResult:
        failed = any(f.severity.at_least(Severity.LOW) for f in result.findings)
        return result.with_(status=Status.FAILED) if failed else result

    jobs = {n: Job(stages[n](), ctx_for(n)) for n in plan.order}
    store = StageCache(tmp_path / "cache") if cache else None
    results = execute(
        plan,
        jobs,
        workers=workers,
        cache=store,
        decide=decide,
        on_event=lambda e: events.append((e.kind.value, e.stage)),
        grace=grace,
    )
    return results, events


def wait_for_stage_thread(name: str) -> None:
    """Until the thread that ran stage `name` has returned (its processes have ended by then)."""
    for thread in [t for t in threading.enumerate() if t.name == f"stage-{name}"]:
        thread.join(HANG_GUARD)
        assert not thread.is_alive(), f"stage {name} is still running"


def meeting_stage(name: str, barrier: threading.Barrier) -> type:
    """A stage that passes only when every stage sharing `barrier` runs at the same time."""
    cls = make_stage(name, cache=False)

    def run(self: object, ctx: StageContext) -> StageResult:
        barrier.wait(HANG_GUARD)  # raises BrokenBarrierError (an ERROR result) if run one by one
        return StageResult(stage=name, status=Status.PASSED)

    cls.run = run  # type: ignore[attr-defined]
    return cls


def test_independent_stages_run_in_parallel(tmp_path: Path) -> None:
    barrier = threading.Barrier(4)
    classes = [meeting_stage(f"s{i}", barrier) for i in range(4)]
    results, _ = run_all(classes, tmp_path, workers=4, timeout=HANG_GUARD * 2)
    assert all(r.status is Status.PASSED for r in results.values()), results


def test_jobs_limit_is_respected(tmp_path: Path) -> None:
    log: list[str] = []
    classes = [make_stage(f"s{i}", sleep=0.15, log=log) for i in range(3)]
    run_all(classes, tmp_path, workers=1)
    kinds = [line.split()[0] for line in log]
    assert kinds == ["start", "end"] * 3  # strictly one at a time


def test_failed_stage_skips_dependents_but_not_independent_ones(tmp_path: Path) -> None:
    classes = [
        make_stage("lint", findings=(("E1", Severity.HIGH),)),
        make_stage("test"),
        make_stage("build", ("lint", "test")),
        make_stage("deploy", ("build",)),
        make_stage("docs"),
    ]
    results, _ = run_all(classes, tmp_path)
    assert results["lint"].status is Status.FAILED
    assert results["test"].status is Status.PASSED
    assert results["docs"].status is Status.PASSED
    assert results["build"].status is Status.SKIPPED
    assert "needs lint failed" in results["build"].summary
    assert results["deploy"].status is Status.SKIPPED


def test_timeout_stops_the_stage_and_its_process(tmp_path: Path) -> None:
    marker = tmp_path / "still-running"
    script = f"import time, pathlib; time.sleep(3); pathlib.Path({str(marker)!r}).write_text('x')"
    slow = make_stage("slow", command=(sys.executable, "-c", script), cache=False)
    results, _ = run_all([slow, make_stage("quick")], tmp_path, timeout=0.5)
    assert results["slow"].status is Status.ERROR
    assert "timed out after 0.5s" in results["slow"].summary
    assert results["quick"].status is Status.PASSED
    # Its command has ended once the stage's thread is done: killed, or (were the kill broken)
    # after sleeping and writing the marker.
    wait_for_stage_thread("slow")
    assert not marker.exists()


def test_a_stage_honouring_its_own_timeout_reports_it_before_the_engine_does(
    tmp_path: Path,
) -> None:
    polite = make_stage("polite", cache=False)

    def run(self: object, ctx: StageContext) -> StageResult:
        argv = [sys.executable, "-c", "import time; time.sleep(60)"]
        done = proc.run(argv, timeout=ctx.gate.timeout)
        assert done.timed_out
        return StageResult(stage="polite", status=Status.ERROR, summary="stopped my own tests")

    polite.run = run  # type: ignore[attr-defined]
    results, _ = run_all([polite], tmp_path, timeout=0.5, grace=HANG_GUARD)
    assert results["polite"].summary == "stopped my own tests"


def test_stage_crash_becomes_an_error_result(tmp_path: Path) -> None:
    broken = make_stage("broken", cache=False)

    def explode(self, ctx):  # a stage with a bug
        raise ValueError("boom")

    broken.run = explode
    results, _ = run_all([broken], tmp_path)
    assert results["broken"].status is Status.ERROR
    assert "ValueError: boom" in results["broken"].summary
    assert (tmp_path / "reports" / "broken" / "traceback.txt").exists()


def test_unchanged_stage_is_served_from_cache_with_its_artifacts(tmp_path: Path) -> None:
    log: list[str] = []
    cls = make_stage("lint", log=log)
    first, _ = run_all([cls], tmp_path, cache=True)
    assert not first["lint"].cached and len(log) == 2
    (tmp_path / "reports").rename(tmp_path / "old-reports")
    second, _ = run_all([cls], tmp_path, cache=True)
    assert second["lint"].cached
    assert len(log) == 2  # the stage did not run again
    restored = Path(second["lint"].artifacts[0])
    assert restored == tmp_path / "reports" / "lint" / "out.txt"
    assert restored.read_text() == "lint"


def test_stage_without_cache_key_always_runs(tmp_path: Path) -> None:
    cls = make_stage("live", cache=False)
    run_all([cls], tmp_path, cache=True)
    second, _ = run_all([cls], tmp_path, cache=True)
    assert not second["live"].cached


def test_a_timed_out_stage_finishing_late_does_not_break_the_run(tmp_path: Path) -> None:
    # `late` ignores its timeout (pure Python, no process to kill) and reports while `long` runs.
    late = make_stage("late", sleep=0.8, cache=False)
    long = make_stage("long", sleep=1.6, cache=False)
    results, _ = run_all([late, long], tmp_path, timeouts={"late": 0.3})
    assert results["late"].status is Status.ERROR
    assert "timed out after 0.3s" in results["late"].summary
    assert results["long"].status is Status.PASSED


def test_an_unwritable_cache_does_not_hang_the_run(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "lint").write_text("a file where the stage's cache folder goes")
    # a stage thread that died without a result would end in "timed out", not PASSED
    results, _ = run_all([make_stage("lint")], tmp_path, cache=True, timeout=HANG_GUARD)
    assert results["lint"].status is Status.PASSED  # the stage's verdict stands, only uncached
    assert not results["lint"].cached

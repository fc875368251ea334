from __future__ import annotations

import sys
import time
from pathlib import Path
from types import MappingProxyType

from lockgate.engine.cache import StageCache
from lockgate.engine.graph import build_plan
from lockgate.engine.scheduler import Job, execute
from lockgate.model import Severity, StageResult, Status
from lockgate.stages.interface import Gate, StageContext
from tests.testing.fakes import make_stage


def run_all(
    stage_classes: list[type],
    tmp_path: Path,
    *,
    workers: int = 4,
    cache: bool = False,
    timeout: float = 30,
    timeouts: dict[str, float] | None = None,
):
    stages = {cls.name: cls for cls in stage_classes}
    plan = build_plan(stages)
    events: list[tuple[str, str]] = []

    def ctx_for(name: str):
        def make(upstream):
            art = tmp_path / "reports" / name
            art.mkdir(parents=True, exist_ok=True)
            return StageContext(
                project=tmp_path,
                artifacts=art,
                options=MappingProxyType({}),
                gate=Gate(timeout=(timeouts or {}).get(name, timeout)),
                run_id="r",
                upstream=upstream,
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
    )
    return results, events


def test_independent_stages_run_in_parallel(tmp_path: Path) -> None:
    classes = [make_stage(f"s{i}", sleep=0.4, cache=False) for i in range(4)]
    start = time.monotonic()
    results, _ = run_all(classes, tmp_path, workers=4)
    assert time.monotonic() - start < 1.2  # four 0.4 s stages, not 1.6 s in a row
    assert all(r.status is Status.PASSED for r in results.values())


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
    script = f"import time, pathlib; time.sleep(5); pathlib.Path({str(marker)!r}).write_text('x')"
    slow = make_stage("slow", command=(sys.executable, "-c", script), cache=False)
    start = time.monotonic()
    results, _ = run_all([slow, make_stage("quick")], tmp_path, timeout=0.5)
    assert time.monotonic() - start < 3
    assert results["slow"].status is Status.ERROR
    assert "timed out after 0.5s" in results["slow"].summary
    assert results["quick"].status is Status.PASSED
    time.sleep(0.2)
    assert not marker.exists()


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
    cls = make_stage("lint", sleep=0.3)
    first, _ = run_all([cls], tmp_path, cache=True)
    assert not first["lint"].cached
    (tmp_path / "reports").rename(tmp_path / "old-reports")
    start = time.monotonic()
    second, _ = run_all([cls], tmp_path, cache=True)
    assert time.monotonic() - start < 0.25
    assert second["lint"].cached
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
    start = time.monotonic()
    results, _ = run_all([make_stage("lint")], tmp_path, cache=True, timeout=5)
    assert time.monotonic() - start < 3
    assert results["lint"].status is Status.PASSED  # the stage's verdict stands, only uncached

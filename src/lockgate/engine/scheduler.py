"""Run a plan: parallel where the graph allows, per-stage timeouts, cache, skipped dependents."""

from __future__ import annotations

import queue
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from lockgate.engine.cache import StageCache
from lockgate.engine.events import EventKind, StageEvent
from lockgate.engine.graph import Plan
from lockgate.errors import LockgateError
from lockgate.model import StageResult, Status
from lockgate.stages.interface import Stage, StageContext
from lockgate.tools import proc

BLOCKING = (Status.FAILED, Status.ERROR)
# A stage stops its own work at its timeout and says what it stopped (the test stage names the
# hanging tests); the engine stops a stage that does not, this much later, so the two never race.
GRACE = 10.0


class Interrupted(Exception):
    """Ctrl-C arrived while stages were running; `results` holds what had finished."""

    def __init__(self, results: dict[str, StageResult]) -> None:
        super().__init__("interrupted")
        self.results = results


@dataclass(frozen=True)
class Job:
    stage: Stage
    ctx_for: Callable[[Mapping[str, StageResult]], StageContext]  # upstream results -> context


def execute(
    plan: Plan,
    jobs: Mapping[str, Job],
    *,
    workers: int,
    cache: StageCache | None,
    decide: Callable[[StageResult], StageResult],
    on_event: Callable[[StageEvent], None],
    grace: float = GRACE,
) -> dict[str, StageResult]:
    """Run every stage of `plan`; return final (gated) results in plan order.

    A stage whose prerequisite failed is skipped with the reason; independent stages go on.
    A stage still running `grace` seconds after its timeout is stopped with its processes.
    """
    done: dict[str, StageResult] = {}
    running: dict[str, tuple[float, float]] = {}  # stage -> (started, timeout)
    finished: queue.Queue[tuple[str, StageResult]] = queue.Queue()
    pending = list(plan.order)
    cascaded: set[str] = set()  # skipped because something they need failed

    def blocks(name: str) -> bool:
        return done[name].status in BLOCKING or name in cascaded

    try:
        while pending or running:
            for name in _ready(plan, pending, done, blocks, len(running), workers):
                pending.remove(name)
                blocked = [r for r in plan.needs[name] if blocks(r)]
                if blocked:
                    cascaded.add(name)
                    done[name] = _skipped(name, blocked, done)
                    on_event(StageEvent(EventKind.FINISHED, name, done[name]))
                    continue
                ctx = jobs[name].ctx_for({r: done[r] for r in plan.needs[name]})
                running[name] = (time.monotonic(), ctx.gate.timeout)
                on_event(StageEvent(EventKind.STARTED, name))
                _spawn(jobs[name].stage, ctx, cache, finished)
            if not running:
                continue
            name, raw = _next_finished(finished, running, grace)
            del running[name]
            done[name] = decide(raw)
            on_event(StageEvent(EventKind.FINISHED, name, done[name]))
    except KeyboardInterrupt:
        proc.cancel_all()
        raise Interrupted(done) from None
    return {n: done[n] for n in plan.order if n in done}


def _ready(
    plan: Plan,
    pending: list[str],
    done: Mapping[str, StageResult],
    blocks: Callable[[str], bool],
    busy: int,
    workers: int,
) -> list[str]:
    ready = [n for n in pending if all(r in done for r in plan.needs[n])]
    # skipped stages cost nothing: let them through regardless of free workers
    out, slots = [], max(0, workers - busy)
    for name in ready:
        if any(blocks(r) for r in plan.needs[name]):
            out.append(name)
        elif slots > 0:
            out.append(name)
            slots -= 1
    return out


def _next_finished(
    finished: queue.Queue[tuple[str, StageResult]],
    running: Mapping[str, tuple[float, float]],
    grace: float,
) -> tuple[str, StageResult]:
    while True:
        now = time.monotonic()
        deadline = min(start + limit + grace for start, limit in running.values())
        try:
            name, result = finished.get(timeout=max(0.01, min(deadline - now, 0.5)))
            if name in running:
                return name, result
            continue  # a stage already timed out that finished after all: its verdict stands
        except queue.Empty:
            pass
        for name, (start, limit) in running.items():
            if time.monotonic() - start > limit + grace:
                proc.kill_owned(name)
                return name, StageResult(
                    stage=name,
                    status=Status.ERROR,
                    duration=time.monotonic() - start,
                    summary=f"timed out after {limit:g}s; raise `timeout` in [stages.{name}]",
                )


def _spawn(
    stage: Stage,
    ctx: StageContext,
    cache: StageCache | None,
    finished: queue.Queue[tuple[str, StageResult]],
) -> None:
    def work() -> None:
        proc.set_owner(stage.name)
        try:
            result = run_one(stage, ctx, cache)
        except BaseException as exc:  # the run waits for this thread's result: always send one
            result = StageResult(
                stage=stage.name,
                status=Status.ERROR,
                summary=f"internal error around the stage: {type(exc).__name__}: {exc}",
            )
        finished.put((stage.name, result))

    threading.Thread(target=work, name=f"stage-{stage.name}", daemon=True).start()


def run_one(stage: Stage, ctx: StageContext, cache: StageCache | None) -> StageResult:
    """Run one stage through the cache; any failure becomes an ERROR result, never an exception."""
    start = time.monotonic()
    key = None
    try:
        stage_key = stage.cache_key(ctx) if cache is not None else None
        if cache is not None and stage_key is not None:
            key = StageCache.key(stage.name, stage_key, dict(ctx.options))
            hit = cache.get(stage.name, key, ctx.artifacts)
            if hit is not None:
                return replace(hit, duration=time.monotonic() - start)
        result = stage.run(ctx)
    except proc.Cancelled:
        result = StageResult(stage=stage.name, status=Status.ERROR, summary="interrupted")
    except LockgateError as exc:
        text = exc.message + (f"; fix: {exc.hint}" if exc.hint else "")
        result = StageResult(stage=stage.name, status=Status.ERROR, summary=text)
    except Exception as exc:
        _write_traceback(ctx.artifacts)
        result = StageResult(
            stage=stage.name,
            status=Status.ERROR,
            summary=f"internal error in stage: {type(exc).__name__}: {exc} (traceback in artifacts)",
        )
    result = replace(result, stage=stage.name, duration=time.monotonic() - start, cached=False)
    if cache is not None and key is not None and not proc.cancelled():
        cache.put(stage.name, key, result, ctx.artifacts)
    return result


def _write_traceback(artifacts: Path) -> None:
    try:
        artifacts.mkdir(parents=True, exist_ok=True)
        (artifacts / "traceback.txt").write_text(traceback.format_exc())
    except OSError:
        pass


def _skipped(name: str, blocked: list[str], done: Mapping[str, StageResult]) -> StageResult:
    why = ", ".join(f"{b} {done[b].status.value}" for b in blocked)
    return StageResult(stage=name, status=Status.SKIPPED, summary=f"skipped: needs {why}")

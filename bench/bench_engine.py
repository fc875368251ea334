"""Engine overhead: 50 no-op stages in a diamond (1 → 48 → 1) must complete in under 0.5 s.

Prints the wall time and its ratio to the 0.5 s budget (ratio < 1 passes), measured in this run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from types import MappingProxyType
from typing import ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lockgate.engine.graph import build_plan
from lockgate.engine.scheduler import Job, execute
from lockgate.model import StageResult, Status
from lockgate.stages.interface import Gate, StageContext

BUDGET = 0.5


def noop(name: str, needs: tuple[str, ...]) -> type:
    class NoOp:
        description: ClassVar[str] = "does nothing"
        options: ClassVar[tuple] = ()

        def available(self, ctx: StageContext) -> str | None:
            return None

        def cache_key(self, ctx: StageContext) -> str | None:
            return None

        def run(self, ctx: StageContext) -> StageResult:
            return StageResult(stage=name, status=Status.PASSED)

    NoOp.name, NoOp.needs = name, needs  # type: ignore[attr-defined]
    return NoOp


def diamond() -> dict[str, type]:
    middle = [f"m{i:02d}" for i in range(48)]
    stages = {"source": noop("source", ())}
    stages.update({m: noop(m, ("source",)) for m in middle})
    stages["sink"] = noop("sink", tuple(middle))
    return stages


def main() -> int:
    stages = diamond()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        plan = build_plan(stages)

        def ctx_for(name: str):
            return lambda up: StageContext(
                project=root,
                artifacts=root,
                options=MappingProxyType({}),
                gate=Gate(),
                run_id="bench",
                upstream=up,
            )

        jobs = {n: Job(stages[n](), ctx_for(n)) for n in plan.order}
        results = execute(
            plan, jobs, workers=2, cache=None, decide=lambda r: r, on_event=lambda e: None
        )
        elapsed = time.perf_counter() - start
    assert len(results) == 50 and all(r.status is Status.PASSED for r in results.values())
    ratio = elapsed / BUDGET
    print(
        f"engine overhead: 50 no-op stages (diamond) in {elapsed * 1000:.1f} ms; "
        f"ratio to the 0.5 s budget = {ratio:.3f} ({'PASS' if ratio < 1 else 'FAIL'})"
    )
    return 0 if ratio < 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())

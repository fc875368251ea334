"""Fake stages implementing the real Stage protocol, for engine tests and benchmarks."""

from __future__ import annotations

import time
from pathlib import Path
from typing import ClassVar

from lockgate.config.options import Option
from lockgate.model import Finding, Location, Severity, StageResult, Status, fingerprint
from lockgate.stages.interface import Input, StageContext, StageKind
from lockgate.tools import proc


def make_stage(
    name: str,
    needs: tuple[str, ...] = (),
    *,
    sleep: float = 0.0,
    findings: tuple[tuple[str, Severity], ...] = (),
    status: Status = Status.PASSED,
    command: tuple[str, ...] = (),
    cache: bool = True,
    log: list[str] | None = None,
    kind: StageKind = StageKind.CHECK,
    consumes: Input = Input.TREE,
    provides: Input | None = None,
) -> type:
    """A stage class that sleeps, optionally runs a command, and reports the given findings."""

    class Fake:
        description: ClassVar[str] = f"fake stage {name}"
        options: ClassVar[tuple[Option, ...]] = ()
        kind: ClassVar[StageKind]
        consumes: ClassVar[Input]
        provides: ClassVar[Input | None]

        def available(self, ctx: StageContext) -> str | None:
            return None

        def cache_key(self, ctx: StageContext) -> str | None:
            return f"{name}-v1" if cache else None

        def run(self, ctx: StageContext) -> StageResult:
            if log is not None:
                log.append(f"start {name} {time.monotonic():.3f}")
            if command:
                proc.run(command, timeout=None)
            time.sleep(sleep)
            (ctx.artifacts / "out.txt").write_text(name)
            out = tuple(
                Finding(
                    stage=name,
                    tool="fake",
                    rule_id=rule,
                    message=f"{rule} found",
                    severity=sev,
                    fingerprint=fingerprint(rule, "a.py", rule),
                    location=Location("a.py", 1),
                )
                for rule, sev in findings
            )
            if log is not None:
                log.append(f"end {name} {time.monotonic():.3f}")
            return StageResult(
                stage=name, status=status, findings=out, artifacts=(str(ctx.artifacts / "out.txt"),)
            )

    Fake.name = name  # type: ignore[attr-defined]
    Fake.needs = needs  # type: ignore[attr-defined]
    Fake.kind, Fake.consumes, Fake.provides = kind, consumes, provides
    Fake.__name__ = f"Fake_{name}"
    return Fake


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("")
    return path

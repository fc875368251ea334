"""A fake Stage implementing the real protocol, so config tests do not depend on the real stages."""

from __future__ import annotations

from typing import ClassVar

from lockgate.config.options import Option, percentage
from lockgate.model import StageResult, Status
from lockgate.stages.interface import Input, StageContext, StageKind


class FakeLint:
    name: ClassVar[str] = "lint"
    kind: ClassVar[StageKind] = StageKind.CHECK
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = "Fake linter."
    options: ClassVar[tuple[Option, ...]] = (
        Option("select", "list[str]", ["E", "F"], "Rule codes to enable."),
        Option("fail_on", "str", "medium", "Re-declared to change the default."),
    )

    def available(self, ctx: StageContext) -> str | None:
        return None

    def cache_key(self, ctx: StageContext) -> str | None:
        return None

    def run(self, ctx: StageContext) -> StageResult:
        return StageResult(stage=self.name, status=Status.PASSED)


class FakeTest(FakeLint):
    name: ClassVar[str] = "test"
    description: ClassVar[str] = "Fake test runner."
    options: ClassVar[tuple[Option, ...]] = (
        Option("coverage_min", "float", 0.0, "Coverage floor in percent.", check=percentage),
        Option("timeout", "float", 1800.0, "Tests get longer by default."),
        Option("command", "str", None, "Test command; detected when unset."),
    )


FAKE_STAGES = {"lint": FakeLint, "test": FakeTest}

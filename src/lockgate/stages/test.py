"""Test stage: the project's own tests (pytest under coverage.py by default) in the environment they
need, created from the project's lock or requirements when it has none (see `lockgate.testrun`).

Every failing or erroring test is a `test-failure` finding; coverage under `coverage_min` is a
`coverage-floor` finding. The project is read in place: caches, bytecode and coverage data go to
the artifacts, created environments to `.lockgate/envs/`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from lockgate.config.options import Option, command, percentage
from lockgate.model import StageResult
from lockgate.stages.interface import Input, StageContext, StageKind

if TYPE_CHECKING:
    from lockgate.testrun.command import Request


class TestStage:
    __test__ = False  # not a pytest class

    name: ClassVar[str] = "test"
    description: ClassVar[str] = (
        "The project's own tests with coverage (Python: pytest + coverage.py)"
    )
    kind: ClassVar[StageKind] = StageKind.CHECK
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[tuple[Option, ...]] = (
        Option("python", "str", "", "Python to run the tests with when the project has no .venv"),
        Option(
            "create_env",
            "bool",
            True,
            "Without .venv or python: create the environment from uv.lock, requirements*.txt or "
            "pyproject.toml with uv (npm ci for a custom command in a Node project), cached",
        ),
        Option(
            "wheels",
            "str",
            "",
            "Folder of wheels (relative to the project) to create the environment from, offline",
        ),
        Option(
            "command",
            "list[str]",
            [],
            "Replace the whole test command; {python}, {artifacts}, {project} are substituted",
            check=command,
        ),
        Option(
            "junit_path",
            "str",
            "{artifacts}/junit.xml",
            "JUnit XML that `command` writes (relative to the project, or with {artifacts})",
        ),
        Option("pytest_args", "list[str]", [], "Extra arguments for pytest (default command only)"),
        Option(
            "coverage_min",
            "float",
            0.0,
            "Minimum line coverage in percent; 0 = off",
            check=percentage,
        ),
        Option("cache", "bool", True, "Reuse the last result when no project file changed"),
    )

    def available(self, ctx: StageContext) -> str | None:
        from lockgate.testrun import engine

        return engine.unavailable(_request(ctx))

    def cache_key(self, ctx: StageContext) -> str | None:
        from lockgate.testrun import engine

        return engine.cache_key(_request(ctx))

    def run(self, ctx: StageContext) -> StageResult:
        from lockgate.testrun import engine

        return engine.run(_request(ctx))


def _request(ctx: StageContext) -> Request:
    from lockgate.testrun.command import Request

    # the command runs in the project: every path given to it is absolute
    return Request(ctx.project.absolute(), ctx.artifacts.absolute(), ctx.options, ctx.gate.timeout)

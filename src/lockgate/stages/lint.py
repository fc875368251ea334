"""Lint stage: each linter in `lockgate.lint.registry` over the files it claims; a linter that
cannot run here leaves its files unchecked (named, with the install hint), never passed."""

from __future__ import annotations

from typing import ClassVar

from lockgate.config.options import Option
from lockgate.lint import engine
from lockgate.lint.registry import LINTERS
from lockgate.model import StageResult
from lockgate.stages.interface import Input, StageContext, StageKind


class LintStage:
    name: ClassVar[str] = engine.STAGE
    description: ClassVar[str] = (
        "Lint and formatting checks by stack: ruff (Python), eslint and prettier (JavaScript/"
        "TypeScript), hadolint (Containerfiles), shellcheck, yamllint, pymarkdown (Markdown), HCL"
        " parse and layout (Terraform), dotnet format, rubocop"
    )
    kind: ClassVar[StageKind] = StageKind.CHECK
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[tuple[Option, ...]] = (
        Option(
            "paths",
            "list[str]",
            [],
            "Folders or files to lint, relative to the project; empty = all",
        ),
        Option(
            "skip_linters",
            "list[str]",
            [],
            "Linters not to run, by name: "
            + ", ".join(dict.fromkeys(lt.name for lt in LINTERS))
            + " (the summary names them; prefer the tool's own config to turn single rules off)",
        ),
        *(option for linter in LINTERS for option in linter.options),
    )

    def available(self, ctx: StageContext) -> str | None:
        return engine.missing_tool(_request(ctx))

    def cache_key(self, ctx: StageContext) -> str | None:
        return engine.cache_key(_request(ctx))

    def run(self, ctx: StageContext) -> StageResult:
        return engine.lint(_request(ctx))


def _request(ctx: StageContext) -> engine.Request:
    return engine.Request(ctx.project, ctx.options, ctx.gate.timeout)

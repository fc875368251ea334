"""Fake stages implementing the real Stage protocol: a fixed graph for the CI exports' golden files."""

from __future__ import annotations

from typing import ClassVar

from lockgate.config.options import Option
from lockgate.model import StageResult, Status
from lockgate.stages.interface import Input, StageContext, StageKind


class Lint:
    name: ClassVar[str] = "lint"
    kind: ClassVar[StageKind] = StageKind.CHECK
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = "Fake linter."
    options: ClassVar[tuple[Option, ...]] = ()

    def available(self, ctx: StageContext) -> str | None:
        return None

    def cache_key(self, ctx: StageContext) -> str | None:
        return None

    def run(self, ctx: StageContext) -> StageResult:
        return StageResult(stage=self.name, status=Status.PASSED)


class Test(Lint):
    name: ClassVar[str] = "test"


class Secrets(Lint):
    name: ClassVar[str] = "secrets"
    kind: ClassVar[StageKind] = StageKind.SECURITY


class Build(Lint):
    name: ClassVar[str] = "build"
    kind: ClassVar[StageKind] = StageKind.DELIVERY
    provides: ClassVar[Input | None] = Input.IMAGE


class Deploy(Lint):
    name: ClassVar[str] = "deploy"
    kind: ClassVar[StageKind] = StageKind.DELIVERY
    consumes: ClassVar[Input] = Input.IMAGE
    provides: ClassVar[Input | None] = Input.URL


class Load(Lint):
    name: ClassVar[str] = "load"
    kind: ClassVar[StageKind] = StageKind.VERIFICATION
    consumes: ClassVar[Input] = Input.URL


class Sast(Secrets):
    name: ClassVar[str] = "sast"


class Deps(Secrets):
    name: ClassVar[str] = "deps"


STAGES = {s.name: s for s in (Lint, Test, Secrets, Build, Deploy, Load)}
# every security stage (each has its GitLab security report): the team-server golden files
SECURITY_STAGES = {s.name: s for s in (Lint, Test, Secrets, Sast, Deps, Build, Deploy, Load)}

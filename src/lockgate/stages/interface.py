"""The Stage contract: what a stage declares, what it is given, what it returns."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from lockgate.config.options import Option
from lockgate.config.sections import (
    ContainerSettings,
    DeploySettings,
    EnvironmentSettings,
    NamingSettings,
)
from lockgate.model import Severity, StageResult


class StageKind(enum.StrEnum):
    """What a stage is for; reports group findings by it (SARIF marks `security` ones)."""

    CHECK = "check"  # quality of the tree: lint, tests, naming, docs
    SECURITY = "security"  # secrets, insecure code, vulnerable dependencies
    DELIVERY = "delivery"  # turns the tree into something that runs: build, deploy
    VERIFICATION = "verification"  # checks what runs: accessibility, load


class Input(enum.StrEnum):
    """What a stage reads, or (as `provides`) makes for later stages; the graph follows these."""

    TREE = "tree"  # the project's files, in place
    IMAGE = "image"  # the built container image
    URL = "url"  # a running deployment


@dataclass(frozen=True)
class GitInfo:
    is_repo: bool = False
    commit: str | None = None
    branch: str | None = None
    base_branch: str = "main"


@dataclass(frozen=True)
class Gate:
    """Gate policy of one stage, from its config section."""

    fail_on: Severity = Severity.LOW
    new_only: bool = True
    timeout: float = 900.0
    fail_on_unchecked: bool = False  # anything the stage could not check fails it (else: warned)


@dataclass(frozen=True)
class StageContext:
    """Everything a stage may use. It reads `project` in place and writes only under `artifacts`.

    Built only by `lockgate.engine.context.stage_context`: `options` is this stage's own config
    section (validated, defaults applied, read-only); `container`, `deploy`, `environments` and
    `naming` are the typed project-wide sections.
    """

    project: Path
    artifacts: Path
    options: Mapping[str, Any]  # this stage's validated section, every declared key present
    gate: Gate
    run_id: str
    git: GitInfo
    service: str  # the project's service name (config `project.name`)
    project_id: str | None  # the configured stable identity (config `project.id`), if any
    enabled_stages: tuple[str, ...]  # every stage the config enables, in registry order
    container: ContainerSettings
    deploy: DeploySettings
    environments: Mapping[str, EnvironmentSettings]
    upstream: Mapping[str, StageResult] = field(default_factory=dict)  # results of its needs
    # the validated sections of the stages in `needs`, whether or not they run in this run (a
    # stage can then say what it misses when one was left out with --skip or --only)
    needed_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    naming: NamingSettings = field(default_factory=NamingSettings.defaults)  # [naming] policy


class Stage(Protocol):
    """One stage: a class registered in `stages/registry.py` or the `lockgate.stages` entry points.

    `needs` names stages that must finish first beyond those the graph derives from `consumes`
    and `provides` (a stage that consumes an image needs the stage that provides one; a delivery
    stage that consumes the tree waits for every check and security stage).
    """

    name: ClassVar[str]
    description: ClassVar[str]
    kind: ClassVar[StageKind]
    consumes: ClassVar[Input]
    provides: ClassVar[Input | None]
    needs: ClassVar[tuple[str, ...]]
    options: ClassVar[tuple[Option, ...]]

    def available(self, ctx: StageContext) -> str | None:
        """None when the stage can run here, else why not and how to install what it needs."""
        ...

    def cache_key(self, ctx: StageContext) -> str | None:
        """A digest of everything the result depends on (files, tool versions), or None: never cache.

        The engine adds the stage name, its config section and lockgate's version itself.
        """
        ...

    def run(self, ctx: StageContext) -> StageResult:
        """Run the checks and return findings. Status: passed, warned or error (the gate decides failed)."""
        ...

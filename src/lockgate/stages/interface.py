"""The Stage contract: what a stage declares, what it is given, what it returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from lockgate.config.options import Option
from lockgate.model import Severity, StageResult


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


@dataclass(frozen=True)
class StageContext:
    """Everything a stage may use. It reads `project` in place and writes only under `artifacts`."""

    project: Path
    artifacts: Path
    options: Mapping[str, Any]  # this stage's validated section (read-only)
    gate: Gate
    run_id: str
    git: GitInfo = GitInfo()
    service: str = ""  # the project's service name (config `project.name`)
    upstream: Mapping[str, StageResult] = field(default_factory=dict)  # results of `needs`
    config: Any = None  # the whole frozen Config, for stages that need more than their section


class Stage(Protocol):
    name: ClassVar[str]
    needs: ClassVar[tuple[str, ...]]
    description: ClassVar[str]
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

"""The deploy-target port: what every target (container, command, kubernetes) is given and returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol


@dataclass(frozen=True)
class HealthSpec:
    path: str = "/healthz"
    timeout: float = 60.0
    status: int = 200
    interval: float = 0.25


@dataclass(frozen=True)
class Environment:
    """One deploy environment, resolved (a review environment has its branch's name)."""

    name: str  # "staging", "review-feature-x"
    kind: str  # the declared section: "review", "staging", "production", ...
    port: int = 0
    url: str = ""
    host: str = ""
    requires: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()
    require_passed_run: bool = False
    branch: str | None = None  # review environments: the branch they serve


@dataclass(frozen=True)
class Release:
    """What to deploy: one built image of one version of one service."""

    service: str
    version: str
    image: str  # a reference the engine can run: repository:tag
    commit: str | None = None
    image_digest: str | None = None


@dataclass(frozen=True)
class DeployContext:
    """Everything a target may use; it writes only under `state_dir` (.lockgate/env/<env>/)."""

    project: Path
    state_dir: Path
    environment: Environment
    health: HealthSpec
    options: Mapping[str, Any]  # the [deploy] section
    container: Mapping[str, Any]  # the [container] section
    notes: list[str] = field(default_factory=list)  # things the user should hear about
    scope: str = ""  # the project's identity in names (deploy.scope); "" = the service alone
    docs: Path | None = None  # a built docs site to serve beside the release (container target)
    # a target calls this the moment the release goes live (before draining the old one), so a
    # crash afterwards never leaves the live release recorded as failed
    switched: Callable[[Live], None] = field(default=lambda live: None, compare=False)


@dataclass(frozen=True)
class Live:
    """What an environment runs now, as the target sees it."""

    environment: str
    version: str
    image: str
    url: str
    since: datetime
    detail: str = ""


class DeployFailed(Exception):
    """The new release did not go live; the environment still serves what it served before."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Target(Protocol):
    name: ClassVar[str]

    def check(self, ctx: DeployContext) -> None:
        """Raise LockgateError (naming the fix) when this machine cannot deploy (tool missing, ...)."""
        ...

    def plan_only(self, ctx: DeployContext) -> str | None:
        """Why this deploy will only write files (not recorded as a deployment), or None."""
        ...

    def deploy(self, ctx: DeployContext, release: Release) -> Live:
        """Make `release` live, health-checked; raise DeployFailed and leave the old one serving."""
        ...

    def live(self, ctx: DeployContext) -> Live | None:
        """What runs in the environment now, or None."""
        ...

    def remove(self, ctx: DeployContext) -> None:
        """Tear the environment down (review environments)."""
        ...

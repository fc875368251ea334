"""A deploy target that implements the Target interface in memory, for flow and command tests."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar

from lockgate.deploy.interface import DeployContext, DeployFailed, Live, Release
from lockgate.errors import LockgateError


@dataclass
class FakeTarget:
    """Serves whatever deployed last; `fail_versions` never become healthy; `crash` raises a bug."""

    name: ClassVar[str] = "fake"
    fail_versions: set[str] = field(default_factory=set)
    crash_versions: set[str] = field(default_factory=set)
    exit_versions: set[str] = field(default_factory=set)  # the process dies mid-deploy
    # the process dies after the switch, while the old release drains
    exit_after_switch_versions: set[str] = field(default_factory=set)
    missing_tool: str | None = None
    releases: dict[str, Release] = field(default_factory=dict)  # environment -> what it serves
    deployed: list[str] = field(default_factory=list)

    @property
    def live_release(self) -> Release | None:
        """What the last environment deployed to serves (tests use one environment)."""
        return next(reversed(self.releases.values()), None)

    def check(self, ctx: DeployContext) -> None:
        if self.missing_tool:
            raise LockgateError(
                f"{self.missing_tool} is not installed", hint=f"install {self.missing_tool}"
            )

    def plan_only(self, ctx: DeployContext) -> str | None:
        return None

    def deploy(self, ctx: DeployContext, release: Release) -> Live:
        self.deployed.append(release.version)
        if release.version in self.exit_versions:
            os._exit(9)
        if release.version in self.crash_versions:
            raise RuntimeError("bug in the target")
        if release.version in self.fail_versions:
            raise DeployFailed("the new release never became healthy", "look at its logs")
        self.releases[ctx.environment.name] = release
        live = Live(
            ctx.environment.name,
            release.version,
            release.image,
            "http://127.0.0.1:1",
            datetime.now(UTC),
        )
        if release.version in self.exit_after_switch_versions:
            getattr(ctx, "switched", lambda live: None)(live)
            os._exit(9)
        return live

    def live(self, ctx: DeployContext) -> Live | None:
        r = self.releases.get(ctx.environment.name)
        return (
            None
            if r is None
            else Live(
                ctx.environment.name, r.version, r.image, "http://127.0.0.1:1", datetime.now(UTC)
            )
        )

    def remove(self, ctx: DeployContext) -> None:
        self.releases.pop(ctx.environment.name, None)

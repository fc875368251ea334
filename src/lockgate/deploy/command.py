"""command target: the team's own deploy command, wrapped with lockgate's health check and rollback."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import ClassVar

from lockgate.deploy.health import wait_healthy
from lockgate.deploy.interface import DeployContext, DeployFailed, Live, Release
from lockgate.errors import LockgateError
from lockgate.tools import proc


def release_env(ctx: DeployContext, release: Release) -> dict[str, str]:
    return {
        "LOCKGATE_IMAGE": release.image,
        "LOCKGATE_VERSION": release.version,
        "LOCKGATE_ENVIRONMENT": ctx.environment.name,
        "LOCKGATE_COMMIT": release.commit or "",
    }


class CommandTarget:
    name: ClassVar[str] = "command"

    def check(self, ctx: DeployContext) -> None:
        if not ctx.options.get("command"):
            raise LockgateError(
                "deploy.target is 'command' but deploy.command is empty",
                hint='set deploy.command = ["./deploy.sh"] in lockgate.toml',
            )
        if not ctx.environment.url:
            raise LockgateError(
                f"environment '{ctx.environment.name}' has no url to health-check",
                hint=f"set environments.{ctx.environment.kind}.url in lockgate.toml",
            )

    def _run(self, ctx: DeployContext, argv: list[str], release: Release) -> proc.Completed:
        done = proc.run(
            argv,
            cwd=ctx.project,
            env=release_env(ctx, release),
            timeout=float(ctx.options.get("command_timeout", 900.0)),
        )
        (ctx.state_dir / "command.log").write_text(done.stdout + "\n" + done.stderr)
        return done

    def plan_only(self, ctx: DeployContext) -> str | None:
        return None

    def deploy(self, ctx: DeployContext, release: Release) -> Live:
        ctx.state_dir.mkdir(parents=True, exist_ok=True)
        previous = self._read(ctx)
        done = self._run(ctx, list(ctx.options["command"]), release)
        if done.returncode != 0 or done.timed_out:
            self._roll_back(ctx, previous)
            raise DeployFailed(
                f"the deploy command failed: {done.describe()}",
                "fix the deploy command (log in command.log)",
            )
        url = ctx.environment.url.rstrip("/") + ctx.health.path
        result = wait_healthy(url, ctx.health)
        if not result.healthy:
            rolled = self._roll_back(ctx, previous)
            raise DeployFailed(
                f"the release never became healthy: {result.reason}{rolled}",
                "check the service's logs and deploy.health_*",
            )
        since = datetime.now(UTC)
        (ctx.state_dir / "state.json").write_text(
            json.dumps(
                {
                    "version": release.version,
                    "image": release.image,
                    "commit": release.commit,
                    "since": since.isoformat(timespec="seconds"),
                }
            )
        )
        return Live(
            ctx.environment.name, release.version, release.image, ctx.environment.url, since
        )

    def _roll_back(self, ctx: DeployContext, previous: Release | None) -> str:
        argv = list(ctx.options.get("rollback_command") or [])
        if not argv:
            return "; no deploy.rollback_command is configured, so nothing was rolled back"
        target = previous or Release("", "", "")
        done = self._run(ctx, argv, target)
        if done.returncode != 0:
            return f"; the rollback command failed too: {done.describe()}"
        return f"; rolled back to {previous.version if previous else 'the previous release'}"

    def _read(self, ctx: DeployContext) -> Release | None:
        try:
            data = json.loads((ctx.state_dir / "state.json").read_text())
            return Release("", data["version"], data["image"], data.get("commit"))
        except (OSError, ValueError, KeyError):
            return None

    def live(self, ctx: DeployContext) -> Live | None:
        try:
            data = json.loads((ctx.state_dir / "state.json").read_text())
            return Live(
                ctx.environment.name,
                data["version"],
                data["image"],
                ctx.environment.url,
                datetime.fromisoformat(data["since"]),
            )
        except (OSError, ValueError, KeyError):
            return None

    def remove(self, ctx: DeployContext) -> None:
        (ctx.state_dir / "state.json").unlink(missing_ok=True)

"""container target: blue/green containers behind one nginx per environment, on loopback ports."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from lockgate.deploy import docs as published
from lockgate.deploy import engine as engines
from lockgate.deploy.health import free_port, port_in_use, probe, wait_healthy
from lockgate.deploy.interface import DeployContext, DeployFailed, Live, Release
from lockgate.deploy.nginx import NGINX_HINT, Nginx, Serving, ask, folder_of, still_running
from lockgate.deploy.scope import dns_label
from lockgate.errors import LockgateError

__all__ = ["NGINX_HINT", "ContainerTarget", "EnvState", "Nginx", "Slot", "load_state", "save_state"]

COLORS = ("blue", "green")


@dataclass(frozen=True)
class Slot:
    """One running release: its container and the loopback port it is published on."""

    color: str
    name: str
    port: int
    image: str
    version: str
    since: str
    docs: str = ""  # the published docs site nginx serves beside it under /docs/, if any


@dataclass(frozen=True)
class EnvState:
    port: int  # the port nginx listens on for this environment
    active: Slot | None = None
    pending: Slot | None = None  # written before the switch: a crash mid-switch leaves it here
    next_port: int = 0  # with `pending`: the port the switch moves nginx to


def serving_slot(state: EnvState, upstream_port: int | None) -> Slot | None:
    """The slot nginx really sends traffic to: `pending` when a crashed deploy switched to it."""
    if state.pending is not None and upstream_port == state.pending.port:
        return state.pending
    return state.active


def load_state(state_dir: Path) -> EnvState | None:
    try:
        data = json.loads((state_dir / "state.json").read_text())
        active = Slot(**data["active"]) if data.get("active") else None
        pending = Slot(**data["pending"]) if data.get("pending") else None
        return EnvState(int(data["port"]), active, pending, int(data.get("next_port") or 0))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_state(state_dir: Path, state: EnvState) -> None:
    tmp = state_dir / "state.json.tmp"
    tmp.write_text(json.dumps(asdict(state), indent=2))
    os.replace(tmp, state_dir / "state.json")


def served(
    nginx: Nginx, state: EnvState, scope: str, env: str
) -> tuple[Slot | None, Serving | None]:
    """The slot nginx really routes to, asked from nginx itself (never from the config file,
    which a crash may have rewritten without the reload), and nginx's own answer.

    Without an answer (nginx stopped, or a config from before the control server), the file on
    disk is the best guess when nginx runs, and the recorded active slot when it does not."""
    disk = nginx.on_disk()
    ports = (state.port, state.next_port, disk[0] if disk else 0)
    answer = nginx.serving(ports, scope, env)
    if answer is not None:
        return serving_slot(state, answer.upstream), answer
    running = nginx.pid() is not None
    return serving_slot(state, disk[1] if running and disk else None), None


def exit_output(eng: engines.Engine, name: str, tries: int = 10, pause: float = 0.2) -> str:
    """The last output of a container that just exited; the engine may report the exit a moment
    before its log file holds the output, so an empty answer is asked again for up to 2 s."""
    logs = eng.logs_tail(name)
    for _ in range(tries - 1):
        if logs:
            break
        time.sleep(pause)
        logs = eng.logs_tail(name)
    return logs or "(no output)"


class ContainerTarget:
    name: ClassVar[str] = "container"

    def __init__(self, engine: engines.Engine | None = None) -> None:
        self._engine = engine

    def engine(self, ctx: DeployContext) -> engines.Engine:
        if self._engine is None:
            self._engine = engines.detect(str(ctx.container.get("engine", "auto")))
        return self._engine

    def check(self, ctx: DeployContext) -> None:
        """Tools present and the environment's port free for it (before any image is built)."""
        nginx = Nginx(ctx.state_dir)
        nginx.exe()
        self.engine(ctx)
        state = load_state(ctx.state_dir) or EnvState(0)
        _, answer = served(nginx, state, _scope(ctx), ctx.environment.name)
        port = ctx.environment.port or (answer.listen if answer else state.port)
        if port:
            self._claim(ctx, port, answer.listen if answer else None)

    def _claim(self, ctx: DeployContext, port: int, listening: int | None) -> None:
        """Refuse a port this environment's nginx does not hold and something else does."""
        if port == listening or not port_in_use(port):
            return
        env, kind = ctx.environment.name, ctx.environment.kind
        fix = f"give one of them another port: environments.{kind}.port in lockgate.toml"
        other = ask(port)
        if other is None:
            raise LockgateError(
                f"port {port} of environment '{env}' is already in use by another program",
                hint=f"stop that program or set environments.{kind}.port to a free port",
            )
        if other.scope == _scope(ctx):
            raise LockgateError(
                f"port {port} of environment '{env}' is already served by environment "
                f"'{other.env}' of this project",
                hint=fix,
            )
        folder = folder_of(other.scope, other.env)
        where = f" in {folder.parents[2]}" if folder is not None and len(folder.parents) > 2 else ""
        raise LockgateError(
            f"port {port} of environment '{env}' is claimed by another project: environment "
            f"'{other.env}' of {other.scope}{where} serves on it",
            hint=f"two projects cannot share one port; {fix}",
        )

    def url(self, ctx: DeployContext, port: int) -> str:
        return ctx.environment.url or f"http://127.0.0.1:{port}"

    def container_name(self, ctx: DeployContext, service: str, color: str) -> str:
        """`<prefix><project scope>-<environment>-<color>`, a DNS label: two projects never
        share a container name, even with the same service name."""
        prefix = str(ctx.container.get("name_prefix", "lockgate-"))
        stem = dns_label(f"{prefix}{_scope(ctx, service)}-{ctx.environment.name}", 57)
        return f"{stem}-{color}"

    def plan_only(self, ctx: DeployContext) -> str | None:
        return None

    def deploy(self, ctx: DeployContext, release: Release) -> Live:
        ctx.state_dir.mkdir(parents=True, exist_ok=True)
        nginx = Nginx(ctx.state_dir)
        nginx.exe()
        eng = self.engine(ctx)
        scope, env = _scope(ctx, release.service), ctx.environment.name
        state = load_state(ctx.state_dir) or EnvState(ctx.environment.port or 0)
        old, answer = served(nginx, state, scope, env)
        listening = answer.listen if answer else (state.port if nginx.pid() is not None else None)
        port = ctx.environment.port or listening or state.port or free_port()
        try:
            self._claim(ctx, port, listening)  # check() did; a moment has passed
        except LockgateError as exc:
            raise DeployFailed(exc.message, exc.hint or "") from None
        if old is not None and old is state.pending:
            ctx.notes.append(f"an interrupted deploy had switched to {old.name}; it serves now")
        color = COLORS[1] if old is not None and old.color == COLORS[0] else COLORS[0]
        slot = self._start(ctx, eng, release, color)
        token = secrets.token_hex(8)
        before = nginx.workers()
        try:
            self._wait(ctx, eng, slot)
            if ctx.docs is not None:
                slot = replace(slot, docs=published.publish(ctx, ctx.docs))
            save_state(ctx.state_dir, EnvState(listening or port, old, slot, port))
            nginx.write(port, slot.port, docs=slot.docs, **self._identity(ctx, scope, token))
            nginx.apply(port, token)
        except BaseException:
            self._undo(ctx, nginx, eng, (slot, old), (listening or port, port), scope)
            raise
        live = self._live(ctx, EnvState(port, slot), slot)
        save_state(ctx.state_dir, EnvState(port, slot))
        ctx.switched(live)
        if old is not None and old.name != slot.name:
            self._drain(ctx, before)
            eng.stop(old.name)
        published.prune(ctx, keep=slot.docs)
        return live

    def _identity(self, ctx: DeployContext, scope: str, token: str) -> dict[str, object]:
        return {
            "token": token,
            "scope": scope,
            "env": ctx.environment.name,
            "drain_timeout": float(ctx.options.get("drain_timeout", 60.0)),
        }

    def _undo(
        self,
        ctx: DeployContext,
        nginx: Nginx,
        eng: engines.Engine,
        slots: tuple[Slot, Slot | None],
        ports: tuple[int, int],
        scope: str,
    ) -> None:
        """After a failure before the switch was confirmed: if nginx did switch after all, the
        new slot stays (it serves); else it goes, and the file on disk is what nginx serves."""
        (slot, old), (back, new) = slots, ports
        now = nginx.serving((new, back), scope, ctx.environment.name)
        if now is not None and now.upstream == slot.port:
            save_state(ctx.state_dir, EnvState(now.listen, slot))
            ctx.switched(self._live(ctx, EnvState(now.listen, slot), slot))
            return
        eng.remove(slot.name)
        if old is not None:
            token = secrets.token_hex(8)
            nginx.write(back, old.port, docs=old.docs, **self._identity(ctx, scope, token))
        save_state(ctx.state_dir, EnvState(back, old))
        published.prune(ctx, keep=old.docs if old is not None else "")

    def _drain(self, ctx: DeployContext, before: frozenset[tuple[int, str]]) -> None:
        """Keep the old release until nginx's old workers have finished every request in flight
        at the switch (they exit then; nginx cuts them after drain_timeout), and for at least
        drain_seconds."""
        start = time.monotonic()
        least = float(ctx.options.get("drain_seconds", 2.0))
        most = max(least, float(ctx.options.get("drain_timeout", 60.0)) + 5.0)
        while time.monotonic() - start < most:
            if time.monotonic() - start >= least and not still_running(before):
                return
            time.sleep(0.05)
        ctx.notes.append(
            f"nginx's old workers still ran {most:g}s after the switch; stopped the old release"
        )

    def _start(self, ctx: DeployContext, eng: engines.Engine, release: Release, color: str) -> Slot:
        if not eng.image_exists(release.image):
            raise DeployFailed(
                f"image {release.image} does not exist on this machine",
                "build the image first (`lockgate deploy` builds it; `lockgate rollback` needs the "
                "old version's image, so keep it)",
            )
        name = self.container_name(ctx, release.service, color)
        eng.remove(name)  # a leftover of a crashed deploy; never the active slot
        cport = int(ctx.container.get("port", 8000))
        done = None
        for _ in range(3):  # the free port may be taken between the probe and the bind
            host_port = free_port()
            done = eng.run(
                "run",
                "-d",
                "--name",
                name,
                "--no-healthcheck",
                "-p",
                f"127.0.0.1:{host_port}:{cport}",
                "--label",
                f"lockgate.service={release.service}",
                "--label",
                f"lockgate.environment={ctx.environment.name}",
                "--label",
                f"lockgate.version={release.version}",
                "--label",
                f"lockgate.project={_scope(ctx, release.service)}",
                "-e",
                f"LOCKGATE_ENVIRONMENT={ctx.environment.name}",
                "-e",
                f"PORT={cport}",
                release.image,
                timeout=120,
            )
            if done.returncode == 0:
                since = datetime.now(UTC).isoformat(timespec="seconds")
                return Slot(color, name, host_port, release.image, release.version, since)
            eng.remove(name)
            if "address already in use" not in done.stderr.lower():
                break
        assert done is not None
        raise DeployFailed(
            f"the container did not start: {done.describe()}", "see the engine's message above"
        )

    def _wait(self, ctx: DeployContext, eng: engines.Engine, slot: Slot) -> None:
        exited: list[bool] = []

        def gone() -> str | None:
            st = eng.container_state(slot.name)
            if st is None or st.get("Running"):
                return None
            exited.append(True)
            logs = exit_output(eng, slot.name)
            return (
                f"container {slot.name} exited with code {st.get('ExitCode')} before it "
                f"became healthy; its last output:\n{logs}"
            )

        url = f"http://127.0.0.1:{slot.port}{ctx.health.path}"
        result = wait_healthy(url, ctx.health, gone=gone)
        if not result.healthy:
            if exited:
                raise DeployFailed(
                    f"the new release never became healthy: {result.reason}",
                    f"the image's command stops by itself: fix the error in its output above "
                    f"(try `{eng.name} run --rm {slot.image}`); the environment still serves "
                    "the previous release",
                )
            logs = "\nits last output:\n" + eng.logs_tail(slot.name)
            raise DeployFailed(
                f"the new release never became healthy: {result.reason}{logs}",
                "check deploy.health_path / health_status / health_timeout and the logs above; "
                "the environment still serves the previous release",
            )

    def _live(self, ctx: DeployContext, state: EnvState, slot: Slot) -> Live:
        return Live(
            ctx.environment.name,
            slot.version,
            slot.image,
            self.url(ctx, state.port),
            datetime.fromisoformat(slot.since),
            slot.name,
        )

    def live(self, ctx: DeployContext) -> Live | None:
        state = load_state(ctx.state_dir)
        if state is None or state.active is None:
            return None
        live = self._live(ctx, state, state.active)
        serving = probe(live.url + ctx.health.path, timeout=1.0).status
        note = (
            "serving" if serving == ctx.health.status else f"NOT serving ({serving or 'no answer'})"
        )
        return Live(
            live.environment,
            live.version,
            live.image,
            live.url,
            live.since,
            f"{state.active.name}, {note}",
        )

    def remove(self, ctx: DeployContext) -> None:
        state = load_state(ctx.state_dir)
        slot = (state.active or state.pending) if state is not None else None
        # find the engine before stopping anything: without one, the environment stays whole
        eng = self.engine(ctx) if slot is not None else None
        Nginx(ctx.state_dir).stop()
        if slot is not None and eng is not None:
            prefix = slot.name.rsplit("-", 1)[0]
            for color in COLORS:
                eng.remove(f"{prefix}-{color}")
        (ctx.state_dir / "state.json").unlink(missing_ok=True)
        published.prune(ctx, keep="")


def _scope(ctx: DeployContext, service: str = "") -> str:
    """The project scope flow.context gives; a bare context (tests) is scoped by its folder."""
    if ctx.scope:
        return ctx.scope
    where = str(ctx.project.resolve()).encode("utf-8", "surrogateescape")
    return f"project-{hashlib.sha256(where).hexdigest()[:8]}"

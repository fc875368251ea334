"""The container engine (Podman, or Docker when that is what the machine runs): detect, build, run."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from lockgate.errors import LockgateError, ToolMissing
from lockgate.tools import proc

ENGINES = ("podman", "docker")
INSTALL_HINT = (
    "install Podman (`apt-get install podman runc`, or run scripts/bootstrap) or start a Docker "
    "engine, or set container.engine in lockgate.toml"
)


@dataclass(frozen=True)
class Engine:
    name: str  # "podman" | "docker"
    path: str

    def run(self, *args: str, timeout: float = 120, check: bool = False) -> proc.Completed:
        done = proc.run([self.path, *args], timeout=timeout)
        if check and (done.returncode != 0 or done.timed_out):
            raise LockgateError(f"{self.name} failed: {done.describe()}")
        return done

    def version(self) -> str:
        done = self.run("version", "--format", "{{.Client.Version}}", timeout=15)
        return done.stdout.strip() or "unknown"

    def image_exists(self, ref: str) -> bool:
        return self.run("image", "inspect", ref, timeout=30).returncode == 0

    def image_info(self, ref: str) -> dict[str, object]:
        done = self.run("image", "inspect", ref, timeout=30, check=True)
        data = json.loads(done.stdout)
        return data[0] if isinstance(data, list) else data  # type: ignore[no-any-return]

    def container_state(self, name: str) -> dict[str, object] | None:
        """`State` of a container, or None when there is no such container."""
        done = self.run("container", "inspect", name, timeout=30)
        if done.returncode != 0:
            return None
        data = json.loads(done.stdout)
        item = data[0] if isinstance(data, list) else data
        return item.get("State")  # type: ignore[no-any-return]

    def logs_tail(self, name: str, lines: int = 20) -> str:
        """The container's last `lines` lines of output. The whole log is read and cut here:
        Podman 4.3's `logs --tail N` answers nothing in about half of the cases where conmon
        split the last line."""
        done = self.run("logs", name, timeout=30)
        parts = (done.stdout.rstrip("\n"), done.stderr.rstrip("\n"))
        text = "\n".join(p for p in parts if p.strip())
        return "\n".join(text.splitlines()[-lines:]).strip()

    def remove(self, name: str) -> None:
        self.run("rm", "-f", "-t", "5", name, timeout=60)

    def stop(self, name: str, grace: int = 10) -> None:
        self.run("stop", "-t", str(grace), name, timeout=grace + 60)
        self.remove(name)


INFO_TIMEOUT = 15.0  # seconds an engine may take to answer `info`


def _answers(path: str, timeout: float) -> tuple[bool, str]:
    try:
        done = proc.run([path, "info"], timeout=timeout)
    except ToolMissing:
        return False, "not installed"
    if done.returncode == 0 and not done.timed_out:
        return True, ""
    why = f"did not answer within {timeout:g}s" if done.timed_out else done.describe()
    return False, why


def detect(
    choice: str = "auto", candidates: Sequence[str] = ENGINES, timeout: float = INFO_TIMEOUT
) -> Engine:
    """The first engine whose `info` answers (not merely whose binary exists), or LockgateError."""
    names = candidates if choice == "auto" else (choice,)
    tried: list[str] = []
    for name in names:
        path = proc.which(name)
        if path is None:
            tried.append(f"{name}: not installed")
            continue
        ok, why = _answers(path, timeout)
        if ok:
            return Engine(name, path)
        tried.append(f"{name}: {why.splitlines()[0] if why else 'no answer'}")
    raise LockgateError(
        "no container engine answers here (" + "; ".join(tried) + ")", hint=INSTALL_HINT
    )

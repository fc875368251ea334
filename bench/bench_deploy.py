"""Zero-downtime deploys: a bounded request loop through deploy, failed deploy and rollback.

Runs `lockgate deploy/rollback` as whole processes on a copy of examples/tenancy-api (Podman +
nginx, loopback only) while three threads send requests (each at most 2000 requests or 60 s) to
the environment's URL: one fresh connection per request, a checked keep-alive client, and a blind
keep-alive client. Prints requests, failures and each step's time. Target: 0 failed requests
for the first two; the blind one is measured (a reload closes idle keep-alive connections).
Needs scripts/bootstrap (Podman, nginx, the local base image).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "tenancy-api"
LOCKGATE = REPO / ".venv" / "bin" / "lockgate"
HEALTH = "/api/v1/healthcheck/ping"
SERVICE = "bench-deploy"
TOML = f"""
[project]
name = "{SERVICE}"

[container]
name_prefix = "lockgate-bench-"
pull = "never"

[deploy]
health_path = "{HEALTH}"
health_timeout = 30
drain_seconds = 1
"""


class Loop(threading.Thread):
    """A bounded request loop. `fresh`: a new connection per request. `blind`: one keep-alive
    connection reused without a check. `checked`: one keep-alive connection, checked before
    reuse (as urllib3 does), an idempotent request resent once when a reused connection closes
    before any response (RFC 9112, section 9.3.1)."""

    def __init__(
        self, port: int, mode: str = "fresh", max_requests: int = 2000, max_seconds: float = 60.0
    ) -> None:
        super().__init__(daemon=True)
        self.port, self.mode = port, mode
        self.max_requests, self.max_seconds = max_requests, max_seconds
        self.requests = 0
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.conn: http.client.HTTPConnection | None = None

    def run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        while not self.stop.is_set() and self.requests < self.max_requests:
            if time.monotonic() > deadline:
                break
            self.requests += 1
            try:
                status = self.get()
                if status != 200:
                    self.failures.append(f"HTTP {status}")
            except (OSError, http.client.HTTPException) as exc:
                self.failures.append(type(exc).__name__)
            time.sleep(0.01)

    def get(self) -> int:
        if self.mode == "fresh" or self.conn is None:
            self.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            reused = False
        else:
            if self.mode == "checked" and select.select([self.conn.sock], [], [], 0)[0]:
                self.close()  # the server closed it while idle
                return self.get()
            reused = True
        try:
            self.conn.request("GET", HEALTH)
            resp = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.close()
            if self.mode != "checked" or not reused:
                raise
            return self.get()  # a fresh connection now: resent once
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        resp.read()
        if self.mode == "fresh" or resp.will_close:
            self.close()
        return resp.status

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def lockgate(project: Path, *args: str, expect: int = 0) -> float:
    start = time.perf_counter()
    done = subprocess.run([str(LOCKGATE), *args, str(project)], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != expect:
        sys.exit(f"lockgate {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return elapsed


def git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=b@lockgate.invalid", "-c", "user.name=bench", *args],
        cwd=project,
        check=True,
        capture_output=True,
    )


def cleanup(project: Path) -> None:
    for pid_file in project.rglob("nginx.pid"):
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
    names = subprocess.run(
        ["podman", "ps", "-a", "--format", "{{.Names}}"], capture_output=True, text=True
    ).stdout.split()
    for name in names:
        if name.startswith(f"lockgate-bench-{SERVICE}"):
            subprocess.run(["podman", "rm", "-f", name], capture_output=True)
    tags = subprocess.run(
        ["podman", "images", "--format", "{{.Repository}}:{{.Tag}}"], capture_output=True, text=True
    ).stdout.split()
    for tag in tags:
        if tag.startswith(f"localhost/{SERVICE}:"):
            subprocess.run(["podman", "rmi", tag], capture_output=True)


def main() -> int:
    os.environ.setdefault("CONTAINERS_CONF", str(REPO / ".cache/containers/containers.conf"))
    with tempfile.TemporaryDirectory(prefix="lockgate-bench-") as tmp:
        project = Path(tmp) / "svc"
        shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".venv", ".lockgate"))
        (project / "lockgate.toml").write_text(TOML)
        git(project, "init", "-q", "-b", "main")
        git(project, "add", "-A")
        git(project, "commit", "-qm", "v1")
        try:
            return run(project)
        finally:
            cleanup(project)


def run(project: Path) -> int:
    times = {"first deploy (build + start nginx)": lockgate(project, "deploy", "staging")}
    state = json.loads((project / ".lockgate/env/staging/state.json").read_text())
    loops = {mode: Loop(int(state["port"]), mode) for mode in ("fresh", "checked", "blind")}
    for loop in loops.values():
        loop.start()
    times["deploy v2 (blue/green switch)"] = lockgate(
        project, "deploy", "staging", "--version", "2"
    )
    main_py = project / "app" / "__main__.py"
    original = main_py.read_text()
    main_py.write_text("raise SystemExit('bench: this release crashes at start')\n")
    times["failed deploy (exits at once)"] = lockgate(
        project, "deploy", "staging", "--version", "3-broken", expect=1
    )
    main_py.write_text(original)
    times["rollback"] = lockgate(project, "rollback", "staging")
    for loop in loops.values():
        loop.stop.set()
        loop.join(timeout=10)
    for step, secs in times.items():
        print(f"deploy: {step}: {secs:.1f} s")
    ok = True
    for mode, loop in loops.items():
        target = "documented: about one error per switch" if mode == "blind" else "target: 0 failed"
        passed = loop.requests > 0 and (mode == "blind" or not loop.failures)
        ok = ok and passed
        print(
            f"deploy: {mode} client: {loop.requests} requests, {len(loop.failures)} failed "
            f"{sorted(set(loop.failures))[:3] if loop.failures else ''}({target}) "
            f"{'PASS' if passed else 'FAIL'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

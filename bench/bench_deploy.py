"""Zero-downtime deploys: a bounded request loop through deploy, failed deploy and rollback.

Runs `lockgate deploy/rollback` as whole processes on a copy of examples/tenancy-api (Podman +
nginx, loopback only) while a thread sends requests (one fresh connection each, at most 2000
requests or 60 s) to the environment's URL. Prints requests, failures and each step's time.
Target: 0 failed requests. Needs scripts/bootstrap (Podman, nginx, the local base image).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
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
    def __init__(self, port: int, max_requests: int = 2000, max_seconds: float = 60.0) -> None:
        super().__init__(daemon=True)
        self.port, self.max_requests, self.max_seconds = port, max_requests, max_seconds
        self.requests = 0
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        while not self.stop.is_set() and self.requests < self.max_requests:
            if time.monotonic() > deadline:
                break
            self.requests += 1
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                conn.request("GET", HEALTH)
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    self.failures.append(f"HTTP {resp.status}")
            except (OSError, http.client.HTTPException) as exc:
                self.failures.append(type(exc).__name__)
            finally:
                conn.close()
            time.sleep(0.01)


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
    loop = Loop(int(state["port"]))
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
    loop.stop.set()
    loop.join(timeout=10)
    for step, secs in times.items():
        print(f"deploy: {step}: {secs:.1f} s")
    ok = not loop.failures and loop.requests > 0
    print(
        f"deploy: zero downtime: {loop.requests} requests, {len(loop.failures)} failed "
        f"{sorted(set(loop.failures))[:3] if loop.failures else ''}(target: 0 failed) "
        f"{'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

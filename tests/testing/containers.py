"""Container test helpers: the engine, one image of the example built per session, cleanup by name."""

from __future__ import annotations

import http.client
import os
import select
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lockgate.deploy import engine as engines
from lockgate.deploy.environments import declared
from lockgate.deploy.flow import Settings
from lockgate.deploy.image import BuildRequest, build_image
from lockgate.deploy.options import CONTAINER_OPTIONS, DEPLOY_OPTIONS
from lockgate.errors import LockgateError
from tests.testing.harness import EXAMPLES, FIXTURES, REPO, copy_project

PREFIX = "lockgate-test-"
SERVICE = "tenancy-api"
HEALTH = "/api/v1/healthcheck/ping"
BASE_IMAGE = "localhost/lockgate-python:bookworm"


def use_containers_conf() -> None:
    """Podman here needs runc and no default ulimits: bootstrap's containers.conf (make test sets it)."""
    if "CONTAINERS_CONF" not in os.environ:
        for candidate in (
            REPO / ".cache/containers/containers.conf",
            REPO / "scripts/containers.conf",
        ):
            if candidate.is_file():
                os.environ["CONTAINERS_CONF"] = str(candidate)
                return


def engine_or_skip() -> engines.Engine:
    """The engine; a missing one fails under CI (bootstrap installs it) and skips elsewhere."""
    use_containers_conf()
    try:
        eng = engines.detect("auto")
    except LockgateError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"container tests need Podman: {exc.message} ({exc.hint})")
        pytest.skip(f"no container engine: {exc.message}")
    if not eng.image_exists(BASE_IMAGE):
        msg = f"base image {BASE_IMAGE} missing: run scripts/build-base-image"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return eng


def remove_test_containers(eng: engines.Engine, marker: str) -> None:
    names = eng.run("ps", "-a", "--format", "{{.Names}}").stdout.split()
    for name in names:
        if name.startswith(PREFIX) and marker in name:
            eng.remove(name)


def stop_nginx_under(root: Path) -> None:
    """Stop every nginx master whose pid file lies under `root` (the environments a test made)."""
    for pid_file in root.rglob("nginx.pid"):
        try:
            pid = int(pid_file.read_text().strip())
            os.kill(pid, 15)
        except (OSError, ValueError):
            continue


@dataclass(frozen=True)
class ExampleImage:
    project: Path
    engine: engines.Engine
    ref: str
    digest: str


def build_example(tmp: Path) -> ExampleImage:
    eng = engine_or_skip()
    project = copy_project(EXAMPLES / "tenancy-api", tmp / "tenancy-api", git=True)
    container = {o.name: o.default for o in CONTAINER_OPTIONS} | {
        "name_prefix": PREFIX,
        "pull": "never",
    }
    built = build_image(
        BuildRequest(project, SERVICE, tmp / "build", container, HEALTH, commit=None, version="v1"),
        eng,
    )
    return ExampleImage(project, eng, built.ref, built.digest)


def tag(eng: engines.Engine, ref: str, version: str, service: str = SERVICE) -> str:
    new = f"localhost/{service}:{version}"
    eng.run("tag", ref, new, check=True)
    return new


def build_fixture(eng: engines.Engine, name: str, ref: str) -> str:
    eng.run(
        "build",
        "-t",
        ref,
        "-f",
        str(FIXTURES / "deploy" / name / "Containerfile"),
        str(FIXTURES / "deploy" / name),
        timeout=300,
        check=True,
    )
    return ref


def settings_for(project: Path, **deploy: object) -> Settings:
    container = {o.name: o.default for o in CONTAINER_OPTIONS} | {"name_prefix": PREFIX}
    options = (
        {o.name: o.default for o in DEPLOY_OPTIONS}
        | {"health_path": HEALTH, "health_timeout": 20.0, "drain_seconds": 0.5}
        | deploy
    )
    return Settings(project, SERVICE, "main", container, options, declared(None))


@dataclass
class RequestLoop:
    """A bounded request loop against a URL on 127.0.0.1, one fresh connection per request."""

    url_port: int
    path: str = HEALTH
    max_requests: int = 2000
    max_seconds: float = 60.0
    pause: float = 0.01
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        while not self._stop.is_set() and self.requests < self.max_requests:
            if time.monotonic() > deadline:
                break
            self.requests += 1
            conn = http.client.HTTPConnection("127.0.0.1", self.url_port, timeout=5)
            try:
                conn.request("GET", self.path)
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    self.failures.append(f"HTTP {resp.status}")
            except (OSError, http.client.HTTPException) as exc:
                self.failures.append(f"{type(exc).__name__}: {exc}")
            finally:
                conn.close()
            time.sleep(self.pause)

    def __enter__(self) -> RequestLoop:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join(timeout=10)


def _dropped(conn: http.client.HTTPConnection) -> bool:
    """True when the server has closed (or written to) an idle connection: urllib3's check."""
    if conn.sock is None:
        return True
    readable, _, _ = select.select([conn.sock], [], [], 0)
    return bool(readable)


@dataclass
class KeepAliveClient:
    """A well-behaved keep-alive HTTP/1.1 client on 127.0.0.1, bounded in requests and time.

    It reuses one connection; before each reuse it checks that the server has not closed it
    (as urllib3 does), and when a reused connection closes before any byte of the response it
    sends the (idempotent) request once more on a fresh connection (RFC 9112 section 9.3.1, as
    browsers and Go's net/http do). Every other error, and every status but 200, is a failure.
    """

    port: int
    path: str = HEALTH
    max_requests: int = 2000
    max_seconds: float = 60.0
    pause: float = 0.01
    requests: int = 0
    reused: int = 0
    retried: int = 0
    failures: list[str] = field(default_factory=list)
    _conn: http.client.HTTPConnection | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def get(self) -> tuple[int, bytes] | str:
        """One GET: (status, body), or the error as text."""
        if self._conn is not None and _dropped(self._conn):
            self._conn.close()
            self._conn = None
        reused = self._conn is not None
        self.reused += reused
        conn = self._conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self._conn = None
        try:
            conn.request("GET", self.path)
            resp = conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
            conn.close()
            if not reused:
                return f"{type(exc).__name__}: {exc}"
            self.retried += 1
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                conn.request("GET", self.path)
                resp = conn.getresponse()
            except (OSError, http.client.HTTPException) as again:
                conn.close()
                return f"{type(again).__name__}: {again} (retried)"
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            return f"{type(exc).__name__}: {exc}"
        try:
            body = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            return f"{type(exc).__name__} while reading the response: {exc}"
        if resp.will_close:
            conn.close()
        else:
            self._conn = conn
        return resp.status, body

    def _run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        while not self._stop.is_set() and self.requests < self.max_requests:
            if time.monotonic() > deadline:
                break
            self.requests += 1
            got = self.get()
            if isinstance(got, str):
                self.failures.append(got)
            elif got[0] != 200:
                self.failures.append(f"HTTP {got[0]}")
            time.sleep(self.pause)

    def __enter__(self) -> KeepAliveClient:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join(timeout=60)
        if self._conn is not None:
            self._conn.close()


def build_own_fixture(eng: engines.Engine, name: str, ref: str) -> str:
    """Build an image from tests/deploy/fixtures/<name>."""
    folder = REPO / "tests" / "deploy" / "fixtures" / name
    eng.run(
        "build",
        "-t",
        ref,
        "-f",
        str(folder / "Containerfile"),
        str(folder),
        timeout=300,
        check=True,
    )
    return ref


def build_labelled(eng: engines.Engine, ref: str, label: str) -> str:
    """A one-layer image on the local base, with one label (another project's build, say)."""
    subprocess.run(
        [eng.path, "build", "-t", ref, "--label", label, "-f", "-", str(REPO / "tests" / "deploy")],
        input=f"FROM {BASE_IMAGE}\nRUN echo other > /other\n",
        text=True,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return ref


_SHARED: list[ExampleImage] = []


def shared_example(where: pytest.TempPathFactory | Path) -> ExampleImage:
    """The example service built once per test session (tag localhost/tenancy-api:v1)."""
    if not _SHARED:
        tmp = where / "example-image" if isinstance(where, Path) else where.mktemp("example-image")
        _SHARED.append(build_example(tmp))
    return _SHARED[0]


def git(project: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, text=True)
    return done.stdout.strip()

"""A real `lockgate serve` process with a write token, and small projects that report to it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lockgate.store.repository import Store

TOKEN = "team-token-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Server:
    url: str
    root: Path  # the server's project folder: its store is the team store

    def store(self) -> Store:
        return Store.open(self.root)


@contextlib.contextmanager
def serving(root: Path, port: int, token: str | None = TOKEN) -> Iterator[Server]:
    """`lockgate serve root --port port` as a real process on 127.0.0.1, writes on with `token`."""
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "lockgate.toml").exists():
        (root / "lockgate.toml").write_text('[project]\nname = "team"\n')
    env = {k: v for k, v in os.environ.items() if k != "LOCKGATE_TOKEN"}
    if token is not None:
        env["LOCKGATE_TOKEN"] = token
    process = subprocess.Popen(
        [sys.executable, "-m", "lockgate", "serve", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()  # printed once the socket listens
        assert "lockgate dashboard on http://127.0.0.1" in banner, banner + process.stdout.read()
        yield Server(f"http://127.0.0.1:{port}", root)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("server") / "team", free_port()) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project with a unique name (the server is shared by a module's tests)."""
    root = tmp_path / "shop"
    root.mkdir()
    (root / "lockgate.toml").write_text(f'[project]\nname = "shop-{uuid.uuid4().hex[:8]}"\n')
    (root / "app.py").write_text('print("hello")\n')
    return root


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LOCKGATE_TOKEN", TOKEN)
    return TOKEN


def outbox(project: Path) -> list[Path]:
    folder = project / ".lockgate" / "outbox"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []

"""`lockgate serve` as a real process: listens on 127.0.0.1 by default and serves the pages."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.web.conftest import EVIL


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


@contextlib.contextmanager
def _started(project: Path) -> Iterator[tuple[int, str, subprocess.Popen[str]]]:
    """`lockgate serve` on a free loopback port, as a real process: its port, banner and process."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "lockgate", "serve", str(project), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        yield (
            port,
            server.stdout.readline(),
            server,
        )  # the banner is printed once the socket listens
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@contextlib.contextmanager
def serving(project: Path) -> Iterator[int]:
    """`lockgate serve` on a free loopback port, as a real process; yields the port."""
    with _started(project) as (port, banner, server):
        assert server.stdout is not None
        assert "lockgate dashboard on http://127.0.0.1" in banner, banner + server.stdout.read()
        yield port


def test_serve_listens_on_loopback_only_and_serves_the_dashboard(project: Path) -> None:
    with _started(project) as (port, banner, _):
        assert banner.strip() == f"lockgate dashboard on http://127.0.0.1:{port}/ (Ctrl-C stops it)"
        status, body = _get(port, "/")  # the socket listens before the banner is printed
        assert status == 200 and "All services" in body and "<script" not in body
        assert EVIL not in body
        listening = subprocess.run(
            ["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True, check=False
        )
        if listening.returncode == 0:
            addresses = {line.split()[3] for line in listening.stdout.splitlines()}
            assert addresses == {f"127.0.0.1:{port}"}


def test_a_port_in_use_is_a_clear_error(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "lockgate", "serve", str(project), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr


def test_the_listening_socket_says_tcp_so_asyncio_turns_nagle_off() -> None:
    """asyncio sets TCP_NODELAY on accepted connections only when the socket's proto is TCP;
    without it each response's body waits for the client's delayed ACK of its headers."""
    from lockgate.commands.serve import _listen

    sock = _listen("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()

"""Health probes against a real loopback server: healthy, wrong status, nothing listening, gone."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from lockgate.deploy.health import free_port, port_in_use, probe, wait_healthy
from lockgate.deploy.interface import HealthSpec


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/ok" else 503)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[int]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


def test_probe_reads_the_status(server: int) -> None:
    assert probe(f"http://127.0.0.1:{server}/ok").status == 200
    assert probe(f"http://127.0.0.1:{server}/other").status == 503


def test_wait_healthy_returns_at_once_when_healthy(server: int) -> None:
    result = wait_healthy(f"http://127.0.0.1:{server}/ok", HealthSpec(timeout=5))
    assert result.healthy and result.attempts == 1


def test_a_wrong_status_times_out_with_the_last_answer(server: int) -> None:
    result = wait_healthy(f"http://127.0.0.1:{server}/x", HealthSpec(timeout=0.6, interval=0.1))
    assert not result.healthy
    assert "HTTP 503" in result.reason and "within 0.6s" in result.reason


def test_nothing_listening_says_so() -> None:
    port = free_port()
    assert not port_in_use(port)
    result = wait_healthy(f"http://127.0.0.1:{port}/", HealthSpec(timeout=0.3, interval=0.1))
    assert not result.healthy and "ConnectionRefusedError" in result.reason


def test_gone_ends_the_wait_early() -> None:
    port = free_port()
    result = wait_healthy(
        f"http://127.0.0.1:{port}/", HealthSpec(timeout=30), gone=lambda: "the container exited"
    )
    # ended by `gone` (its reason), not by the 30 s timeout; how soon is bench/'s business
    assert not result.healthy and result.reason == "the container exited"


def test_port_in_use_sees_a_listener(server: int) -> None:
    assert port_in_use(server)

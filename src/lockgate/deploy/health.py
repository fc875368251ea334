"""Health checks over HTTP (stdlib http.client): one probe, or wait until healthy or out of time."""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from lockgate.deploy.interface import HealthSpec


@dataclass(frozen=True)
class Probe:
    status: int | None  # None: no HTTP answer
    error: str = ""


@dataclass(frozen=True)
class HealthResult:
    healthy: bool
    attempts: int
    seconds: float
    last: Probe
    reason: str = ""


def probe(url: str, timeout: float = 2.0) -> Probe:
    """GET `url` once on a fresh connection."""
    parts = urlsplit(url)
    conn_cls = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    conn = conn_cls(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        resp = conn.getresponse()
        resp.read()
        return Probe(resp.status)
    except (OSError, http.client.HTTPException) as exc:
        return Probe(None, f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def wait_healthy(
    url: str, spec: HealthSpec, *, gone: Callable[[], str | None] = lambda: None
) -> HealthResult:
    """Probe `url` until it answers spec.status or spec.timeout passes.

    `gone` is asked between probes; a non-None answer (e.g. "the container exited") ends the wait.
    """
    start = time.monotonic()
    attempts = 0
    last = Probe(None, "not probed")
    while True:
        attempts += 1
        last = probe(url, timeout=min(2.0, spec.timeout))
        elapsed = time.monotonic() - start
        if last.status == spec.status:
            return HealthResult(True, attempts, elapsed, last)
        why = gone()
        if why is not None:
            return HealthResult(False, attempts, elapsed, last, why)
        if elapsed >= spec.timeout:
            got = f"HTTP {last.status}" if last.status else last.error or "no answer"
            reason = (
                f"{url} did not answer HTTP {spec.status} within {spec.timeout:g}s "
                f"({attempts} tries; last: {got})"
            )
            return HealthResult(False, attempts, elapsed, last, reason)
        time.sleep(spec.interval)


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False

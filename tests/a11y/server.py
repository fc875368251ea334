"""The fixture pages on 127.0.0.1 from a stdlib http.server thread, plus /hang (never answers) and
/meet/... (answers once `meet` requests wait at once: pages that load only when checked in
parallel)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.testing.harness import FIXTURES

PAGES = FIXTURES / "a11y"


MEETING = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Met</title></head>
<body><main><h1>Met</h1><p>Every page of this meeting was requested at once.</p></main></body></html>"""


class _Handler(SimpleHTTPRequestHandler):
    released: threading.Event
    sitemap: bytes | None
    meeting: threading.Barrier | None

    def do_GET(self) -> None:
        if self.path == "/sitemap.xml" and self.sitemap is not None:
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(self.sitemap)))
            self.end_headers()
            self.wfile.write(self.sitemap)
            return
        if self.path.startswith("/hang"):
            self.released.wait()  # answers nothing until the server stops
            return
        if self.path.startswith("/meet/") and self.meeting is not None:
            try:
                self.meeting.wait()
            except threading.BrokenBarrierError:
                self.send_error(503)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(MEETING)))
            self.end_headers()
            self.wfile.write(MEETING)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(sitemap: list[str] | None = None, meet: int = 0) -> Iterator[str]:
    """The base URL (ending in /) of a server for tests/fixtures/a11y, stopped afterwards; with
    `sitemap`, a /sitemap.xml listing those URLs (paths are made absolute on this server); with
    `meet`, pages under /meet/ that answer only when `meet` of them are requested at once."""
    released = threading.Event()
    meeting = threading.Barrier(meet) if meet else None
    state: dict[str, Any] = {"released": released, "sitemap": None, "meeting": meeting}
    handler = type("Handler", (_Handler,), state)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(PAGES)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    if sitemap is not None:
        locs = "".join(
            f"<url><loc>{base + u if u.startswith('/') else u}</loc></url>" for u in sitemap
        )
        handler.sitemap = f'<?xml version="1.0"?><urlset>{locs}</urlset>'.encode()
    try:
        yield base + "/"
    finally:
        released.set()
        if meeting is not None:
            meeting.abort()
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])

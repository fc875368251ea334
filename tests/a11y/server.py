"""The fixture pages on 127.0.0.1 from a stdlib http.server thread, plus /hang (never answers)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.testing.harness import FIXTURES

PAGES = FIXTURES / "a11y"


class _Handler(SimpleHTTPRequestHandler):
    released: threading.Event

    def do_GET(self) -> None:
        if self.path.startswith("/hang"):
            self.released.wait()  # answers nothing until the server stops
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve() -> Iterator[str]:
    """The base URL (ending in /) of a server for tests/fixtures/a11y, stopped afterwards."""
    released = threading.Event()
    handler = type("Handler", (_Handler,), {"released": released})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(PAGES)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        released.set()
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])

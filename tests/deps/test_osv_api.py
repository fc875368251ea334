"""The OSV service source against a loopback fake of /v1/querybatch and /v1/vulns, and unreachable."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from lockgate.deps.model import Dependency, Ecosystem
from lockgate.deps.osv import match
from lockgate.deps.sources.osv_api import OsvApiSource


@pytest.fixture
def fake_osv(ghsa: Path) -> Iterator[str]:
    """A tiny OSV service on 127.0.0.1 answering from the shared GHSA sample."""
    records = {p.stem: json.loads(p.read_text()) for p in ghsa.rglob("GHSA-*.json")}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, body: object, code: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            queries = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["queries"]
            results = []
            for q in queries:
                ids = [
                    {"id": rid}
                    for rid, r in records.items()
                    if any(a["package"]["name"] == q["package"]["name"] for a in r["affected"])
                ]
                results.append({"vulns": ids} if ids else {})
            self._send({"results": results})

        def do_GET(self) -> None:
            rid = self.path.rsplit("/", 1)[-1]
            self._send(records[rid]) if rid in records else self._send({"message": "nf"}, 404)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_querybatch_then_details(fake_osv: str) -> None:
    lodash = Dependency(Ecosystem.NPM, "lodash", "4.17.15", "package-lock.json", 7, True)
    safe = Dependency(Ecosystem.NPM, "left-pad", "1.3.0", "package-lock.json", 9, True)
    answer = OsvApiSource(fake_osv, timeout=5).query([lodash, safe])
    assert answer.error is None
    found, _ = match(lodash, answer.advisories[("npm", "lodash")])
    assert {m.advisory.id for m in found} == {"GHSA-p6mc-m468-83gw", "GHSA-35jh-r3h4-6jhm"}
    assert answer.advisories[("npm", "left-pad")] == ()


def test_unreachable_service_fails_fast_and_leaves_everything_unchecked() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    deps = [Dependency(Ecosystem.PYPI, "jinja2", "2.10", "requirements.txt", 1, True)]
    answer = OsvApiSource(f"http://127.0.0.1:{port}", timeout=2).query(deps)
    assert answer.error and "did not answer" in answer.error
    assert not answer.covered and not answer.advisories

"""What the client does with each kind of answer, the server URL's checks, and a light import."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lockgate import client
from lockgate.client.outbox import Kind, Outbox, Record
from lockgate.client.payloads import deployment_record
from lockgate.client.server import in_clear, server_url
from lockgate.model import Deployment, DeploymentStatus
from tests.client.conftest import TOKEN, Server, outbox


class _Scripted(http.server.BaseHTTPRequestHandler):
    """Answers every POST with the server's `status`, `answer` and `location`; keeps the requests."""

    def do_POST(self) -> None:
        srv: Any = self.server
        length = int(self.headers.get("content-length", "0"))
        srv.requests.append((self.path, dict(self.headers), self.rfile.read(length)))
        body = json.dumps(srv.answer).encode()
        self.send_response(srv.status)
        if srv.location:
            self.send_header("location", srv.location)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _start(status: int, answer: dict[str, Any], location: str = "") -> Any:
    srv: Any = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Scripted)
    srv.status, srv.answer, srv.location, srv.requests = status, answer, location, []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


@pytest.fixture
def scripted() -> Iterator[Any]:
    started: list[Any] = []

    def start(status: int, answer: dict[str, Any] | None = None, location: str = "") -> Any:
        srv = _start(status, answer or {}, location)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.shutdown()
        srv.server_close()


def _url(srv: Any) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}"


def _record(server: str, key: str = "deployment-abc") -> Record:
    return Record(Kind.DEPLOYMENT, key, server, "deployment #1 of shop to production", {"a": 1})


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_busy_or_broken_server_keeps_the_record(
    tmp_path: Path, scripted: Any, status: int
) -> None:
    srv = scripted(status, {"error": "down for maintenance"})
    sent = client.report(tmp_path, _record(_url(srv)), bearer=TOKEN)
    assert sent.delivery is client.Delivery.KEPT
    assert f"answered {status}: down for maintenance" in sent.message
    assert len(outbox(tmp_path)) == 1


def test_the_request_carries_the_token_key_and_body(tmp_path: Path, scripted: Any) -> None:
    srv = scripted(201, {"id": 7})
    sent = client.report(tmp_path, _record(_url(srv), key="deployment-42"), bearer=TOKEN)
    assert sent.delivery is client.Delivery.SENT and outbox(tmp_path) == []
    ((path, headers, body),) = srv.requests
    assert path == "/api/v1/deployments" and json.loads(body) == {"a": 1}
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Idempotency-Key"] == "deployment-42"
    assert headers["Content-Type"] == "application/json"


def test_a_malformed_record_is_set_aside_with_the_reason(tmp_path: Path, scripted: Any) -> None:
    srv = scripted(400, {"error": "status 'great' is not one of succeeded, failed"})
    sent = client.report(tmp_path, _record(_url(srv)), bearer=TOKEN)
    assert sent.delivery is client.Delivery.REFUSED and outbox(tmp_path) == []
    assert "set aside in .lockgate/outbox/refused/" in sent.message
    refused = tmp_path / ".lockgate/outbox/refused"
    assert (refused / "deployment-deployment-abc.json").is_file()
    reason = (refused / "deployment-deployment-abc.reason.txt").read_text()
    assert "status 'great'" in reason


def test_a_redirect_is_not_followed_and_the_token_goes_nowhere_else(
    tmp_path: Path, scripted: Any
) -> None:
    elsewhere = scripted(201, {"id": 1})
    srv = scripted(307, {}, location=_url(elsewhere) + "/api/v1/deployments")
    sent = client.report(tmp_path, _record(_url(srv)), bearer=TOKEN)
    assert sent.delivery is client.Delivery.NOT_ACCEPTED
    assert f"redirects to {_url(elsewhere)}/api/v1/deployments" in sent.message
    assert elsewhere.requests == [] and len(outbox(tmp_path)) == 1


def test_a_url_without_the_ingest_api_is_named(tmp_path: Path, scripted: Any) -> None:
    srv = scripted(404, {})
    sent = client.report(tmp_path, _record(_url(srv)), bearer=TOKEN)
    assert sent.delivery is client.Delivery.NOT_ACCEPTED
    assert "has no lockgate ingest API (404)" in sent.message and len(outbox(tmp_path)) == 1


def test_control_characters_from_the_server_are_not_printed(tmp_path: Path, scripted: Any) -> None:
    srv = scripted(503, {"error": "busy\x1b[2J\x07 now"})
    sent = client.report(tmp_path, _record(_url(srv)), bearer=TOKEN)
    assert "\x1b" not in sent.message and "\x07" not in sent.message


def test_a_deployment_resent_is_stored_once(server: Server, tmp_path: Path) -> None:
    now = datetime(2026, 3, 1, 10, tzinfo=UTC)
    dep = Deployment(
        "billing", "production", "v3", "c0ffee" * 6 + "abcd", None, now,
        DeploymentStatus.SUCCEEDED, "ci", finished=now, id=3,
    )  # fmt: skip
    record = deployment_record(dep, server.url)
    first = client.report(tmp_path, record, bearer=TOKEN)
    again = client.report(tmp_path, record, bearer=TOKEN)
    assert (first.delivery, again.delivery) == (client.Delivery.SENT, client.Delivery.DUPLICATE)
    with server.store() as store:
        stored = store.environment_deployments("production", "billing")
    assert [(d.version, d.status, d.commit) for d in stored] == [
        ("v3", DeploymentStatus.SUCCEEDED, dep.commit)
    ]
    other = deployment_record(dep, server.url)
    assert other.key != record.key  # every record gets its own key


def test_an_unfinished_deployment_is_not_a_record() -> None:
    now = datetime(2026, 3, 1, 10, tzinfo=UTC)
    dep = Deployment("a", "staging", "v1", None, None, now, DeploymentStatus.IN_PROGRESS, "ci")
    with pytest.raises(ValueError, match="once it has finished"):
        deployment_record(dep, "https://x.org")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://lockgate.example.org", "https://lockgate.example.org"),
        ("https://lockgate.example.org/", "https://lockgate.example.org"),
        (" http://127.0.0.1:8700/team/ ", "http://127.0.0.1:8700/team"),
        ("http://[::1]:8700", "http://[::1]:8700"),
        ("HTTPS://Lockgate.Example.org", "https://lockgate.example.org"),
    ],
)
def test_server_urls_are_normalised(given: str, expected: str) -> None:
    assert server_url(given) == expected


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ("lockgate.example.org", "an http:// or https:// URL"),
        ("ftp://lockgate.example.org", "an http:// or https:// URL"),
        ("https://user:secret@lockgate.example.org", "without credentials"),
        ("https://lockgate.example.org/?token=x", "without ?query"),
        ("http://127.0.0.1:99999", "a valid URL"),
        ("", "an http:// or https:// URL"),
    ],
)
def test_bad_server_urls_say_what_is_expected(given: str, why: str) -> None:
    with pytest.raises(ValueError, match=why.replace("?", r"\?")):
        server_url(given)


def test_plain_http_off_loopback_is_flagged() -> None:
    assert in_clear("http://lockgate.example.org") and in_clear("http://10.0.0.5:8700")
    assert not in_clear("https://lockgate.example.org")
    assert not in_clear("http://127.0.0.1:8700") and not in_clear("http://localhost:8700")


def test_a_bad_report_to_is_bad_input_and_never_echoes_credentials(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lockgate", "run", "--report-to", "https://ci:hunter2@x.org", "."],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2 and "without credentials" in done.stderr
    assert "hunter2" not in done.stderr and "Traceback" not in done.stderr


def test_a_bad_configured_server_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "lockgate.toml").write_text('[project]\nname = "a"\n\n[server]\nurl = "nope"\n')
    done = subprocess.run(
        [sys.executable, "-m", "lockgate", "config", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "lockgate.toml:5" in done.stderr and "http:// or https://" in done.stderr


def test_the_client_imports_only_the_standard_library() -> None:
    probe = (
        "import sys, lockgate.client, lockgate.client.payloads\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('requests', 'httpx', 'starlette', 'sqlalchemy', 'jsonschema', 'yaml', 'urllib3')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_sync_of_a_missing_folder_is_bad_input(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lockgate", "sync", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "does not exist" in done.stderr
    assert Outbox(tmp_path).records() == ([], [])

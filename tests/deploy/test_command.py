"""command target: the team's command gets LOCKGATE_* variables; lockgate health-checks and rolls back."""

from __future__ import annotations

import http.server
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from lockgate.deploy.command import CommandTarget
from lockgate.deploy.flow import context
from lockgate.deploy.interface import DeployFailed, Environment, Release
from lockgate.errors import LockgateError
from tests.testing.containers import settings_for


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.server.healthy else 500)  # type: ignore[attr-defined]
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def service() -> Iterator[http.server.ThreadingHTTPServer]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.healthy = True  # type: ignore[attr-defined]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


RECORD = (
    "import json, os, sys; "
    "open(sys.argv[1], 'a').write(json.dumps({k: v for k, v in os.environ.items() "
    "if k in ('LOCKGATE_IMAGE', 'LOCKGATE_VERSION', 'LOCKGATE_ENVIRONMENT', 'LOCKGATE_COMMIT')})"
    " + '\\n')"
)


def _ctx(tmp_path: Path, port: int, **deploy: object):  # type: ignore[no-untyped-def]
    settings = settings_for(tmp_path, target="command", health_timeout=1.0, **deploy)
    env = Environment("staging", "staging", url=f"http://127.0.0.1:{port}")
    return context(settings, env)


def _calls(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_the_command_gets_the_release_and_is_health_checked(
    tmp_path: Path, service: http.server.ThreadingHTTPServer
) -> None:
    out = tmp_path / "calls.jsonl"
    ctx = _ctx(
        tmp_path, service.server_address[1], command=[sys.executable, "-c", RECORD, str(out)]
    )
    live = CommandTarget().deploy(ctx, Release("api", "2.0", "reg/api:2.0", commit="abc123"))
    assert _calls(out) == [
        {
            "LOCKGATE_IMAGE": "reg/api:2.0",
            "LOCKGATE_VERSION": "2.0",
            "LOCKGATE_ENVIRONMENT": "staging",
            "LOCKGATE_COMMIT": "abc123",
        }
    ]
    assert live.version == "2.0"
    assert CommandTarget().live(ctx).version == "2.0"  # type: ignore[union-attr]


def test_an_unhealthy_release_runs_the_rollback_command_with_the_previous_version(
    tmp_path: Path, service: http.server.ThreadingHTTPServer
) -> None:
    deploys, rollbacks = tmp_path / "deploys.jsonl", tmp_path / "rollbacks.jsonl"
    ctx = _ctx(
        tmp_path,
        service.server_address[1],
        command=[sys.executable, "-c", RECORD, str(deploys)],
        rollback_command=[sys.executable, "-c", RECORD, str(rollbacks)],
    )
    target = CommandTarget()
    target.deploy(ctx, Release("api", "1.0", "reg/api:1.0"))
    service.healthy = False  # type: ignore[attr-defined]
    with pytest.raises(DeployFailed) as err:
        target.deploy(ctx, Release("api", "2.0", "reg/api:2.0"))
    assert "HTTP 500" in err.value.message and "rolled back to 1.0" in err.value.message
    assert [c["LOCKGATE_VERSION"] for c in _calls(rollbacks)] == ["1.0"]
    assert target.live(ctx).version == "1.0"  # type: ignore[union-attr]


def test_a_failing_command_is_a_failed_deploy(
    tmp_path: Path, service: http.server.ThreadingHTTPServer
) -> None:
    ctx = _ctx(
        tmp_path,
        service.server_address[1],
        command=[sys.executable, "-c", "import sys; print('quota exceeded'); sys.exit(4)"],
    )
    with pytest.raises(DeployFailed, match="quota exceeded"):
        CommandTarget().deploy(ctx, Release("api", "1.0", "reg/api:1.0"))


def test_no_command_configured_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(LockgateError) as err:
        CommandTarget().check(_ctx(tmp_path, 1))
    assert "deploy.command" in (err.value.hint or "")

"""The load stage against a real stdlib HTTP server on 127.0.0.1, through real Locust processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from lockgate.model import StageResult, Status
from lockgate.stages.interface import Input
from lockgate.stages.load import LoadStage
from lockgate.stages.registry import all_stages
from tests.testing.harness import EXAMPLES, make_context, run_stage

pytestmark = pytest.mark.slow

SHORT = {"duration": 2, "users": 2, "spawn_rate": 10.0}
SLOW_SECONDS = 0.25  # what the server's /slow handler takes: a p95 of 100 ms cannot be met


@dataclass
class Server:
    url: str
    seen: list[tuple[str, str, bytes]] = field(default_factory=list)

    def paths(self) -> set[tuple[str, str]]:
        return {(method, path) for method, path, _ in self.seen}


def _serve() -> Iterator[Server]:
    server = Server("")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            server.seen.append((self.command, self.path, body))
            if self.path.startswith("/slow"):
                time.sleep(SLOW_SECONDS)  # the service under test is slow: the behaviour measured
            status = 500 if self.path.startswith("/fail") else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server.url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    yield from _serve()


@pytest.fixture
def other_server() -> Iterator[Server]:
    yield from _serve()


def _project(tmp_path: Path, **files: str) -> Path:
    root = tmp_path / "svc"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def _run(root: Path, tmp_path: Path, **options: Any) -> StageResult:
    return run_stage(LoadStage, root, tmp_path, **{**SHORT, **options})


def test_load_consumes_a_url_and_runs_after_deploy() -> None:
    from lockgate.engine.graph import derived_needs

    assert LoadStage.consumes is Input.URL
    assert "deploy" in derived_needs(all_stages())["load"]


def test_scenario_from_config_passes_and_leaves_its_numbers(tmp_path: Path, server: Server) -> None:
    scenario = [
        {"path": "/items?page=2", "weight": 3},
        {"path": "/orders", "method": "POST", "json": {"qty": 2}, "headers": {"X-Test": "1"}},
    ]
    result = _run(_project(tmp_path), tmp_path, url=server.url, scenario=scenario, p95_ms=5000.0)
    assert result.status is Status.PASSED, result.summary
    assert result.findings == ()
    assert server.paths() == {("GET", "/"), ("GET", "/items?page=2"), ("POST", "/orders")}
    assert json.loads(next(b for m, _, b in server.seen if m == "POST")) == {"qty": 2}
    metrics = {m.name: m.value for m in result.metrics}
    assert metrics["load_requests"] > 0 and metrics["load_rps"] > 0 and "load_p95" in metrics
    artifacts = tmp_path / "artifacts" / "load"
    stats = json.loads((artifacts / "stats.json").read_text())
    assert {s["name"] for s in stats} == {"/items?page=2", "/orders"}
    assert "Aggregated" in (artifacts / "stats_stats.csv").read_text()
    chart = (artifacts / "load-chart.html").read_text()
    assert "<svg" in chart and "<script" not in chart
    assert {"stats.json", "stats_stats.csv", "load-chart.html"} <= set(result.artifacts)


def test_a_p95_it_cannot_meet_is_a_finding_with_the_measured_number(
    tmp_path: Path, server: Server
) -> None:
    result = _run(
        _project(tmp_path), tmp_path, url=server.url, scenario=[{"path": "/slow"}], p95_ms=100.0
    )
    [finding] = result.findings
    p95 = next(m.value for m in result.metrics if m.name == "load_p95")
    assert p95 >= SLOW_SECONDS * 1000
    assert f"p95 latency {p95:g} ms is above p95_ms = 100 ms" in finding.message
    assert finding.rule_id == "load-p95-ms" and finding.url == server.url


def test_failed_requests_over_the_error_rate_are_a_finding(tmp_path: Path, server: Server) -> None:
    result = _run(_project(tmp_path), tmp_path, url=server.url, scenario=[{"path": "/fail"}])
    assert [f.rule_id for f in result.findings] == ["load-max-error-rate"]
    assert "error rate 100.00%" in result.findings[0].message


def test_scenario_from_the_openapi_document(tmp_path: Path, server: Server) -> None:
    doc = (EXAMPLES / "tenancy-api" / "openapi.json").read_text()
    result = _run(_project(tmp_path, **{"openapi.json": doc}), tmp_path, url=server.url)
    assert result.status is Status.PASSED, result.summary
    assert "from openapi (openapi.json)" in result.summary
    assert {
        ("GET", "/api/v1/healthcheck/ping"),
        ("GET", "/api/v1/tenancies/TN000101"),
        ("GET", "/api/v1/tenancies/TN000101/rent-account"),
    } <= server.paths()


LOCUSTFILE = """
from locust import FastHttpUser, constant, task


class Visitor(FastHttpUser):
    wait_time = constant(0.05)

    @task
    def home(self):
        self.client.get("/from-locustfile")
"""


def test_scenario_from_the_projects_locustfile(tmp_path: Path, server: Server) -> None:
    result = _run(_project(tmp_path, **{"locustfile.py": LOCUSTFILE}), tmp_path, url=server.url)
    assert result.status is Status.PASSED, result.summary
    assert ("GET", "/from-locustfile") in server.paths()


def test_two_local_workers(tmp_path: Path, server: Server) -> None:
    result = _run(
        _project(tmp_path), tmp_path, url=server.url, scenario=[{"path": "/w"}], workers=2
    )
    assert result.status is Status.PASSED, result.summary
    assert next(m.value for m in result.metrics if m.name == "load_requests") > 0
    log = (tmp_path / "artifacts" / "load" / "locust.log").read_text()
    assert "2 workers connected" in log  # both local workers joined the master


def test_max_requests_stops_the_run_and_says_so(tmp_path: Path, server: Server) -> None:
    result = _run(
        _project(tmp_path),
        tmp_path,
        url=server.url,
        scenario=[{"path": "/"}],
        max_requests=40,
        duration=30,
    )
    assert result.status is Status.WARNED
    assert any("max_requests = 40" in u.reason for u in result.unchecked)
    assert len([s for s in server.seen if s[1] == "/"]) <= 40 + 1  # + the reachability check


def test_traffic_to_another_host_stops_the_run_as_an_error(
    tmp_path: Path, server: Server, other_server: Server
) -> None:
    sneaky = LOCUSTFILE.replace('"/from-locustfile"', repr(other_server.url + "/elsewhere"))
    result = _run(
        _project(tmp_path, **{"locustfile.py": sneaky}), tmp_path, url=server.url, duration=30
    )
    assert result.status is Status.ERROR
    assert "sent requests to another host" in result.summary and other_server.url in result.summary
    assert len(other_server.seen) <= 2 * SHORT["users"]


def test_without_a_url_it_is_skipped_with_the_reason(tmp_path: Path) -> None:
    result = _run(_project(tmp_path), tmp_path, scenario=[{"path": "/"}])
    assert result.status is Status.SKIPPED and "no URL" in result.summary
    assert result.unchecked and result.findings == ()


BAD_INPUT = [
    ({"locustfile.py": "from locust import HttpUser\ndef broken(:\n"}, {}, "locustfile.py:2"),
    ({"openapi.json": '{"openapi": "3.0.0", "paths": {'}, {}, "openapi.json:1"),
]


@pytest.mark.parametrize(("files", "options", "says"), BAD_INPUT)
def test_broken_scenarios_are_unavailable_with_the_file_and_line(
    tmp_path: Path, server: Server, files: dict[str, str], options: dict[str, Any], says: str
) -> None:
    ctx = make_context(
        LoadStage, _project(tmp_path, **files), tmp_path / "a", url=server.url, **options
    )
    why = LoadStage().available(ctx)
    assert why is not None and says in why
    result = LoadStage().run(ctx)
    assert result.status is Status.ERROR and says in result.summary
    assert server.seen == []  # no traffic for bad input


def test_a_locustfile_that_fails_at_import_is_an_error(tmp_path: Path, server: Server) -> None:
    root = _project(tmp_path, **{"locustfile.py": "import no_such_module_here\n"})
    result = _run(root, tmp_path, url=server.url)
    assert result.status is Status.ERROR
    assert "no_such_module_here" in result.summary and "locustfile.py" in result.summary


def test_an_unreachable_url_is_an_error(tmp_path: Path, server: Server) -> None:
    closed = server.url.rsplit(":", 1)[0] + ":9"  # discard port: nothing listens
    result = _run(_project(tmp_path), tmp_path, url=closed, scenario=[{"path": "/"}])
    assert result.status is Status.ERROR and "cannot reach the load target" in result.summary


def test_a_url_off_this_machine_is_refused(tmp_path: Path) -> None:
    ctx = make_context(
        LoadStage,
        _project(tmp_path),
        tmp_path / "a",
        url="http://192.0.2.10:8000",
        scenario=[{"path": "/"}],
    )
    why = LoadStage().available(ctx)
    assert why is not None and "not on this machine" in why and "allow_remote" in why


# --- through the command line -------------------------------------------------------------


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "lockgate", "run", str(root), "--only", "load", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def _config(root: Path, **keys: Any) -> None:
    lines = ["[stages.load]", *(f"{k} = {json.dumps(v)}" for k, v in {**SHORT, **keys}.items())]
    (root / "lockgate.toml").write_text("\n".join(lines) + "\n")


def test_cli_a_p95_it_cannot_meet_exits_1_with_the_measured_p95(
    tmp_path: Path, server: Server
) -> None:
    root = _project(tmp_path)
    _config(root, p95_ms=100)
    (root / "lockgate.toml").write_text(
        (root / "lockgate.toml").read_text() + '\n[[stages.load.scenario]]\npath = "/slow"\n'
    )
    done = _cli(root, "--url", server.url)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "p95 latency" in done.stdout and "is above p95_ms = 100 ms" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_cli_a_good_run_exits_0(tmp_path: Path, server: Server) -> None:
    root = _project(tmp_path)
    _config(root, p95_ms=5000)
    (root / "lockgate.toml").write_text(
        (root / "lockgate.toml").read_text() + '\n[[stages.load.scenario]]\npath = "/"\n'
    )
    done = _cli(root, "--url", server.url)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cli_a_remote_url_is_bad_input(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _config(root)
    done = _cli(root, "--url", "http://192.0.2.10:8000")
    assert done.returncode == 2
    assert "not on this machine" in done.stderr and "Traceback" not in done.stderr


def test_master_for_the_teams_own_workers(tmp_path: Path, server: Server) -> None:
    """`master = "host:port"`: lockgate runs the master there; a worker started apart (as on
    another machine) fetches the locustfile from it and makes the traffic."""
    from lockgate.load.runner import free_port

    port = free_port()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            "-",
            "--worker",
            "--master-host",
            "127.0.0.1",
            "--master-port",
            str(port),
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        result = _run(
            _project(tmp_path),
            tmp_path,
            url=server.url,
            scenario=[{"path": "/cluster"}],
            master=f"127.0.0.1:{port}",
            workers=1,
        )
        assert result.status is Status.PASSED, result.summary
        assert ("GET", "/cluster") in server.paths()
        assert worker.wait(timeout=60) is not None  # the master sent it home at the end
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

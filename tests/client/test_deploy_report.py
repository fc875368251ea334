"""`lockgate deploy --report-to`: the finished deployment, succeeded or failed, reaches the server."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lockgate.cli.main import main
from lockgate.model import DeploymentStatus
from tests.client.conftest import Server, free_port, outbox
from tests.testing.harness import init_git

TOML = """
[project]
name = "{name}"

[deploy]
target = "command"
command = {command}
health_path = "/"
health_timeout = 5

[environments.staging]
url = "{health}"
"""


def _service(tmp_path: Path, name: str, command: list[str], health: str) -> Path:
    """A project deployed by a command, health-checked against `health` (the team server's page)."""
    root = tmp_path / name
    root.mkdir()
    quoted = "[" + ", ".join(f'"{part}"' for part in command) + "]"
    (root / "lockgate.toml").write_text(TOML.format(name=name, command=quoted, health=health))
    init_git(root)
    return root


def _deployments(server: Server, service: str) -> list[tuple[str, DeploymentStatus]]:
    with server.store() as store:
        return [(d.environment, d.status) for d in store.deployments(service)]


def test_a_succeeded_deployment_is_reported(
    server: Server, tmp_path: Path, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _service(tmp_path, "deploy-ok", [sys.executable, "-c", "pass"], server.url)
    assert main(["deploy", "staging", "--report-to", server.url, str(project)]) == 0
    out = capsys.readouterr().out
    assert "deployed deploy-ok" in out
    assert f"reported deployment #1 of deploy-ok to staging to {server.url}" in out
    assert _deployments(server, "deploy-ok") == [("staging", DeploymentStatus.SUCCEEDED)]
    assert outbox(project) == []


def test_a_failed_deployment_is_reported_and_the_exit_code_stays(
    server: Server, tmp_path: Path, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fails = [sys.executable, "-c", "raise SystemExit(3)"]
    project = _service(tmp_path, "deploy-fails", fails, server.url)
    assert main(["deploy", "staging", "--report-to", server.url, str(project)]) == 1
    captured = capsys.readouterr()
    assert "deploy to 'staging' failed: the deploy command failed" in captured.err
    assert "reported deployment #1 of deploy-fails to staging" in captured.out
    assert _deployments(server, "deploy-fails") == [("staging", DeploymentStatus.FAILED)]


def test_an_unreachable_server_keeps_the_deployment(
    server: Server, tmp_path: Path, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = f"http://127.0.0.1:{free_port()}"
    project = _service(tmp_path, "deploy-later", [sys.executable, "-c", "pass"], server.url)
    assert main(["deploy", "staging", "--report-to", gone, str(project)]) == 0
    assert "not reported: cannot reach" in capsys.readouterr().err
    assert len(outbox(project)) == 1
    assert main(["sync", "--report-to", server.url, str(project)]) == 0
    assert _deployments(server, "deploy-later") == [("staging", DeploymentStatus.SUCCEEDED)]

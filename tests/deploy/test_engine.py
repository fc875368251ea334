"""Engine detection asks the engine (`info`), not just whether a binary exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.deploy import engine
from lockgate.deploy.container import ContainerTarget
from lockgate.deploy.environments import resolve
from lockgate.deploy.flow import Source, deploy
from lockgate.errors import LockgateError
from lockgate.model import DeploymentStatus
from lockgate.store.repository import Store
from tests.testing.containers import settings_for


def _script(path: Path, body: str) -> str:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


def test_a_docker_cli_without_an_engine_is_not_an_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _script(tmp_path / "docker", 'echo "Cannot connect to the Docker daemon" >&2; exit 1\n')
    monkeypatch.setenv("LOCKGATE_DOCKER_BIN", fake)
    monkeypatch.setenv("LOCKGATE_PODMAN_BIN", str(tmp_path / "no-podman"))
    with pytest.raises(LockgateError) as err:
        engine.detect("auto")
    assert "docker: `" in err.value.message and "podman: not installed" in err.value.message
    assert "install Podman" in (err.value.hint or "")


def test_auto_takes_the_first_engine_that_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCKGATE_PODMAN_BIN", _script(tmp_path / "podman", "exit 125\n"))
    monkeypatch.setenv("LOCKGATE_DOCKER_BIN", _script(tmp_path / "docker", "exit 0\n"))
    assert engine.detect("auto").name == "docker"
    with pytest.raises(LockgateError, match="podman"):
        engine.detect("podman")


def test_an_engine_that_hangs_is_given_up_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCKGATE_PODMAN_BIN", _script(tmp_path / "podman", "sleep 60\n"))
    with pytest.raises(LockgateError, match=r"did not answer within 0\.5s"):
        engine.detect("podman", timeout=0.5)


def test_missing_nginx_is_a_recorded_failure_naming_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOCKGATE_NGINX_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no nginx anywhere on PATH
    settings = settings_for(tmp_path)
    env = resolve("staging", settings.environments, None)
    with Store.open(tmp_path) as store:
        with pytest.raises(LockgateError) as err:
            deploy(
                settings,
                env,
                Source(None, "main", "1.0"),
                store,
                target=ContainerTarget(),
                build=False,
            )
        assert "nginx is not installed" in err.value.message
        assert "apt-get install nginx" in (err.value.hint or "")
        assert [d.status for d in store.deployments()] == [DeploymentStatus.FAILED]


def test_missing_engine_is_a_recorded_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCKGATE_PODMAN_BIN", str(tmp_path / "none"))
    monkeypatch.setenv("LOCKGATE_DOCKER_BIN", str(tmp_path / "none"))
    monkeypatch.setenv("LOCKGATE_NGINX_BIN", _script(tmp_path / "nginx", "exit 0\n"))
    settings = settings_for(tmp_path)
    env = resolve("staging", settings.environments, None)
    with Store.open(tmp_path) as store:
        with pytest.raises(LockgateError, match="no container engine answers"):
            deploy(
                settings,
                env,
                Source(None, "main", "1.0"),
                store,
                target=ContainerTarget(),
                build=False,
            )
        assert [d.status for d in store.deployments()] == [DeploymentStatus.FAILED]


def test_the_last_log_lines_are_cut_from_the_whole_log(tmp_path: Path) -> None:
    """Podman 4.3's `logs --tail N` answers nothing about half the time: lockgate reads it all."""
    fake = _script(
        tmp_path / "podman",
        'case "$*" in\n'
        "  *--tail*) exit 0;;\n"  # what podman 4.3 does in about half of the cases
        '  "logs app") for i in $(seq 1 30); do echo "line $i"; done; echo "oops" >&2;;\n'
        "esac\n",
    )
    tail = engine.Engine("podman", fake).logs_tail("app", 4)
    assert tail == "line 28\nline 29\nline 30\noops"
    assert engine.Engine("podman", fake).logs_tail("nothing", 4) == ""

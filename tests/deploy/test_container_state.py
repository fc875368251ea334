"""container target bookkeeping without containers: state file, nginx config, crash mid-switch."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lockgate.deploy.container import (
    ContainerTarget,
    EnvState,
    Nginx,
    Slot,
    exit_output,
    load_state,
    save_state,
    serving_slot,
)
from lockgate.deploy.engine import Engine
from lockgate.deploy.health import free_port
from lockgate.deploy.interface import DeployContext, Environment, HealthSpec
from lockgate.errors import LockgateError
from lockgate.tools import proc

BLUE = Slot("blue", "lockgate-x-staging-blue", 41001, "img:1", "1", "2026-11-26T10:00:00+00:00")
GREEN = Slot("green", "lockgate-x-staging-green", 41002, "img:2", "2", "2026-11-26T11:00:00+00:00")


def test_state_round_trips(tmp_path: Path) -> None:
    save_state(tmp_path, EnvState(40000, BLUE, GREEN))
    assert load_state(tmp_path) == EnvState(40000, BLUE, GREEN)
    (tmp_path / "state.json").write_text("{broken")
    assert load_state(tmp_path) is None


def test_nginx_config_listens_on_loopback_and_routes_to_the_release(tmp_path: Path) -> None:
    nginx = Nginx(tmp_path)
    nginx.write(40000, 41002)
    conf = (tmp_path / "nginx.conf").read_text()
    assert "listen 127.0.0.1:40000;" in conf and f"pid {tmp_path.resolve()}/nginx.pid;" in conf
    assert nginx.upstream_port() == 41002
    assert nginx.pid() is None  # not started


def test_a_crash_after_the_switch_makes_the_pending_slot_the_serving_one() -> None:
    state = EnvState(40000, BLUE, pending=GREEN)
    assert serving_slot(state, 41002) is GREEN  # nginx had switched before the crash
    assert serving_slot(state, 41001) is BLUE  # it had not
    assert serving_slot(EnvState(40000, BLUE), None) is BLUE


@dataclass(frozen=True)
class LateLogsEngine(Engine):
    """An engine whose log of an exited container fills only on the third ask (as podman's can)."""

    asked: list[int] = field(default_factory=list)

    def logs_tail(self, name: str, lines: int = 20) -> str:
        self.asked.append(1)
        return "config file missing" if len(self.asked) >= 3 else ""


def test_the_output_of_a_container_that_just_exited_is_waited_for() -> None:
    eng = LateLogsEngine("podman", "/nonexistent/podman")
    assert exit_output(eng, "c", pause=0.01) == "config file missing"
    assert len(eng.asked) == 3


@dataclass(frozen=True)
class NoLogsEngine(Engine):
    def logs_tail(self, name: str, lines: int = 20) -> str:
        return ""


def test_a_container_without_output_says_so() -> None:
    assert exit_output(NoLogsEngine("podman", "/x"), "c", tries=3, pause=0.0) == "(no output)"


def test_a_wrong_nginx_override_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCKGATE_NGINX_BIN", str(tmp_path / "no-nginx"))
    with pytest.raises(LockgateError, match=r"LOCKGATE_NGINX_BIN is .*no-nginx") as err:
        Nginx(tmp_path).exe()
    assert "unset it" in (err.value.hint or "")


def test_missing_nginx_names_both_fixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOCKGATE_NGINX_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LockgateError, match="nginx is not installed") as err:
        Nginx(tmp_path).exe()
    assert "apt-get install nginx" in (err.value.hint or "")
    assert "LOCKGATE_NGINX_BIN" in (err.value.hint or "")


def test_removing_an_environment_without_an_engine_leaves_it_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if proc.which("nginx") is None:
        pytest.skip("nginx is not installed")
    monkeypatch.setenv("LOCKGATE_PODMAN_BIN", str(tmp_path / "none"))
    monkeypatch.setenv("LOCKGATE_DOCKER_BIN", str(tmp_path / "none"))
    state_dir = tmp_path / "env"
    nginx = Nginx(state_dir)
    nginx.write(free_port(), BLUE.port)
    nginx.apply()
    try:
        save_state(state_dir, EnvState(0, BLUE))
        ctx = DeployContext(
            tmp_path, state_dir, Environment("review-x", "review"), HealthSpec("/"), {}, {}
        )
        with pytest.raises(LockgateError, match="no container engine"):
            ContainerTarget().remove(ctx)
        assert nginx.pid() is not None  # still routing to the release
        assert load_state(state_dir) is not None  # a retry finds what to remove
    finally:
        nginx.stop()

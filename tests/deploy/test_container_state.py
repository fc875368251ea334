"""container target bookkeeping without containers: state file, nginx config, crash mid-switch."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field, replace
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
    served,
    serving_slot,
)
from lockgate.deploy.engine import Engine
from lockgate.deploy.environments import resolve
from lockgate.deploy.flow import Source, context, deploy
from lockgate.deploy.health import free_port, probe
from lockgate.deploy.interface import DeployContext, Environment, HealthSpec
from lockgate.deploy.nginx import CONTROL_PATH, ask
from lockgate.deploy.scope import deploy_scope, dns_label
from lockgate.errors import LockgateError
from lockgate.model import DeploymentStatus
from lockgate.store.repository import Store
from lockgate.tools import proc
from tests.testing.containers import settings_for

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
    port = free_port()
    nginx.write(port, BLUE.port, token="t1")
    nginx.apply(port, "t1")
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


def _need_nginx() -> None:
    if proc.which("nginx") is None:
        pytest.skip("nginx is not installed")


def test_recovery_asks_nginx_what_it_serves_not_the_file_a_crash_rewrote(tmp_path: Path) -> None:
    _need_nginx()
    nginx = Nginx(tmp_path / "env")
    port = free_port()
    nginx.write(port, BLUE.port, token="t1", scope="svc-1", env="staging")
    nginx.apply(port, "t1")
    try:
        state = EnvState(port, BLUE, pending=GREEN, next_port=port)
        # the deploy of GREEN crashed after rewriting nginx.conf, before the reload
        nginx.write(port, GREEN.port, token="t2", scope="svc-1", env="staging")
        assert nginx.upstream_port() == GREEN.port  # the file says GREEN ...
        slot, answer = served(nginx, state, "svc-1", "staging")
        assert slot == BLUE  # ... nginx serves BLUE, so GREEN is the one to replace
        assert answer is not None and (answer.listen, answer.upstream) == (port, BLUE.port)
        nginx.apply(port, "t2")  # had the reload happened, GREEN would be the serving one
        assert served(nginx, state, "svc-1", "staging")[0] == GREEN
        assert served(nginx, state, "other-project", "staging") == (GREEN, None)  # not ours
    finally:
        nginx.stop()


def test_the_control_answer_never_reaches_the_service_and_the_service_path_stays_routed(
    tmp_path: Path,
) -> None:
    _need_nginx()
    nginx = Nginx(tmp_path / "env")
    port = free_port()
    nginx.write(port, free_port(), token="t1", scope="svc-1", env="staging")
    nginx.apply(port, "t1")
    try:
        # an ordinary request for the same path goes to the release (none runs here: 502)
        assert probe(f"http://127.0.0.1:{port}{CONTROL_PATH}").status == 502
        assert ask(port) is not None
    finally:
        nginx.stop()


def _ctx(project: Path, env: Environment, scope: str) -> DeployContext:
    state_dir = project / ".lockgate/env" / env.name
    return DeployContext(project, state_dir, env, HealthSpec("/"), {}, {}, scope=scope)


def test_a_port_another_project_serves_on_is_refused_naming_that_project(tmp_path: Path) -> None:
    _need_nginx()
    first = tmp_path / "checkout-a"
    nginx = Nginx(first / ".lockgate/env/staging")
    port = free_port()
    nginx.write(port, free_port(), token="t1", scope="tenancy-api-aaaa1111", env="staging")
    nginx.apply(port, "t1")
    try:
        target = ContainerTarget(Engine("podman", "/bin/true"))
        second = _ctx(tmp_path / "checkout-b", Environment("staging", "staging", port), "b-2")
        with pytest.raises(LockgateError) as err:
            target.check(second)
        assert "claimed by another project" in err.value.message
        assert f"'staging' of tenancy-api-aaaa1111 in {first.resolve()}" in err.value.message
        assert "environments.staging.port" in (err.value.hint or "")
        again = _ctx(first, Environment("staging", "staging", port), "tenancy-api-aaaa1111")
        target.check(again)  # its own port: fine
        sibling = _ctx(first, Environment("qa", "qa", port), "tenancy-api-aaaa1111")
        with pytest.raises(LockgateError, match="served by environment 'staging' of this project"):
            target.check(sibling)
    finally:
        nginx.stop()


def test_a_port_another_program_holds_is_refused(tmp_path: Path) -> None:
    _need_nginx()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        env = Environment("staging", "staging", busy.getsockname()[1])
        with pytest.raises(LockgateError, match="in use by another program"):
            ContainerTarget(Engine("podman", "/bin/true")).check(_ctx(tmp_path, env, "a-1"))


def test_a_claimed_port_is_refused_before_the_image_is_built(tmp_path: Path) -> None:
    _need_nginx()
    first = tmp_path / "checkout-a"
    nginx = Nginx(first / ".lockgate/env/staging")
    port = free_port()
    nginx.write(port, free_port(), token="t1", scope="tenancy-api-aaaa1111", env="staging")
    nginx.apply(port, "t1")
    try:
        second = tmp_path / "checkout-b"
        (second / "app").mkdir(parents=True)
        (second / "Containerfile").write_text("FROM scratch\nCOPY app /app\n")
        settings = settings_for(second)
        settings = replace(settings, environments={"staging": {"port": port}})
        env = resolve("staging", settings.environments, None)
        target = ContainerTarget(Engine("podman", "/bin/true"))
        with Store.open(second) as store:
            with pytest.raises(LockgateError, match="claimed by another project"):
                deploy(settings, env, Source(None, "main", "1.0"), store, target=target)
            assert [d.status for d in store.deployments()] == [DeploymentStatus.FAILED]
        assert not (second / ".lockgate/env/staging/build").exists()  # nothing was built
    finally:
        nginx.stop()


def test_names_are_dns_labels_scoped_by_the_project(tmp_path: Path) -> None:
    a = settings_for(tmp_path / "a")
    b = settings_for(tmp_path / "b")
    assert deploy_scope(a) != deploy_scope(b)  # two checkouts of one service
    assert deploy_scope(a).startswith("tenancy-api-")
    # a configured id names the project; two clones share it (it is committed), not containers
    assert deploy_scope(replace(a, project_id="Shop.API")).startswith("shop-api-")
    assert deploy_scope(replace(a, project_id="Shop.API")) != deploy_scope(
        replace(b, project_id="Shop.API")
    )
    env = Environment("review-" + "x" * 63, "review")
    target = ContainerTarget(Engine("podman", "/bin/true"))
    names = {
        target.container_name(context(s, env), "tenancy-api", color)
        for s in (a, b)
        for color in ("blue", "green")
    }
    assert len(names) == 4
    for name in names:
        assert re.fullmatch(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?", name), name
        assert name.endswith(("-blue", "-green"))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("tenancy-api", "tenancy-api"),
        ("Shop.API", "shop-api"),
        ("3d-viewer", "x-3d-viewer"),
        ("--weird__name--", "weird-name"),
        ("", "x"),
        ("ünïcode", "n-code"),
    ],
)
def test_dns_label(text: str, label: str) -> None:
    assert dns_label(text) == label


def test_a_long_dns_label_keeps_a_hash_of_the_whole_name() -> None:
    one, two = dns_label("a" * 80 + "-one"), dns_label("a" * 80 + "-two")
    assert len(one) == len(two) == 63 and one != two

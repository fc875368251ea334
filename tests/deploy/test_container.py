"""container target against real Podman and nginx: zero downtime, and faults that leave the old release serving."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from lockgate.deploy.container import ContainerTarget, EnvState, Nginx, load_state, save_state
from lockgate.deploy.environments import resolve
from lockgate.deploy.flow import Source, context, deploy, rollback
from lockgate.deploy.health import probe
from lockgate.deploy.interface import Environment, Release
from lockgate.errors import LockgateError
from lockgate.model import DeploymentStatus
from lockgate.store.repository import Store
from tests.testing.containers import (
    HEALTH,
    SERVICE,
    ExampleImage,
    KeepAliveClient,
    RequestLoop,
    build_fixture,
    build_own_fixture,
    settings_for,
    tag,
)

pytestmark = [pytest.mark.slow, pytest.mark.container]


def _statuses(store: Store, env: str) -> list[tuple[str, DeploymentStatus]]:
    return [(d.version, d.status) for d in store.deployments(environment=env)]


def _names(image: ExampleImage, env: str) -> list[str]:
    out = image.engine.run("ps", "-a", "--format", "{{.Names}}").stdout.split()
    return [n for n in out if env in n]


def test_zero_downtime_through_deploy_failed_deploy_and_rollback(
    example_image: ExampleImage, tmp_path: Path, env_name: str
) -> None:
    eng = example_image.engine
    tag(eng, example_image.ref, "zd-1")
    tag(eng, example_image.ref, "zd-2")
    build_fixture(eng, "never-answers", "localhost/tenancy-api:zd-bad")
    settings = settings_for(tmp_path)
    env = resolve(env_name, settings.environments, None)
    with Store.open(tmp_path) as store:
        first = deploy(settings, env, Source(None, "main", "zd-1"), store, build=False)
        port = urlsplit(first.url).port
        assert port is not None
        with RequestLoop(port, max_requests=2000, max_seconds=60) as loop:
            deploy(settings, env, Source(None, "main", "zd-2"), store, build=False)
            quick = settings.with_(deploy={"health_timeout": 3.0})
            with pytest.raises(LockgateError, match="never became healthy"):
                deploy(quick, env, Source(None, "main", "zd-bad"), store, build=False)
            back = rollback(settings, env, store)
        assert loop.failures == [], loop.failures[:5]
        assert loop.requests >= 50
        assert back.deployment.version == "zd-1"
        assert _statuses(store, env_name) == [
            ("zd-1", DeploymentStatus.SUCCEEDED),
            ("zd-bad", DeploymentStatus.FAILED),
            ("zd-2", DeploymentStatus.ROLLED_BACK),
            ("zd-1", DeploymentStatus.SUCCEEDED),
        ]
    assert len(_names(example_image, env_name)) == 1  # the old and the failed one are gone


def test_a_container_that_exits_at_once_leaves_the_old_release_serving(
    example_image: ExampleImage, tmp_path: Path, env_name: str
) -> None:
    eng = example_image.engine
    tag(eng, example_image.ref, "ex-1")
    build_fixture(eng, "exits-at-once", "localhost/tenancy-api:ex-bad")
    settings = settings_for(tmp_path)
    env = resolve(env_name, settings.environments, None)
    with Store.open(tmp_path) as store:
        good = deploy(settings, env, Source(None, "main", "ex-1"), store, build=False)
        with pytest.raises(LockgateError) as err:
            deploy(settings, env, Source(None, "main", "ex-bad"), store, build=False)
        assert "exited with code 3" in err.value.message
        assert "config file missing" in err.value.message  # the container's own output
        assert "command stops by itself" in (err.value.hint or "")
        assert "health_path" not in (err.value.hint or "")  # not a health-check problem
        assert probe(good.url + HEALTH).status == 200
        assert _statuses(store, env_name)[0] == ("ex-bad", DeploymentStatus.FAILED)
    assert [n.rsplit("-", 1)[-1] for n in _names(example_image, env_name)] == ["blue"]


def test_an_environment_port_in_use_is_refused_and_recorded(
    example_image: ExampleImage, tmp_path: Path, env_name: str
) -> None:
    tag(example_image.engine, example_image.ref, "port-1")
    settings = settings_for(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        env = Environment(env_name, "review", port=busy.getsockname()[1])
        with Store.open(tmp_path) as store, pytest.raises(LockgateError) as err:
            deploy(settings, env, Source(None, "main", "port-1"), store, build=False)
        assert "already in use" in err.value.message
        assert "environments.review.port" in (err.value.hint or "")
        with Store.open(tmp_path) as store:
            assert _statuses(store, env_name) == [("port-1", DeploymentStatus.FAILED)]
    assert _names(example_image, env_name) == []


def test_an_image_that_does_not_exist_is_a_clear_failure(
    example_image: ExampleImage, tmp_path: Path, env_name: str
) -> None:
    settings = settings_for(tmp_path)
    env = resolve(env_name, settings.environments, None)
    with Store.open(tmp_path) as store, pytest.raises(LockgateError) as err:
        deploy(settings, env, Source(None, "main", "never-built"), store, build=False)
    assert "does not exist" in err.value.message
    assert "build the image first" in (err.value.hint or "")


def test_moving_a_running_environment_to_a_port_in_use_is_refused_and_keeps_it_serving(
    example_image: ExampleImage, tmp_path: Path, env_name: str
) -> None:
    tag(example_image.engine, example_image.ref, "mv-1")
    tag(example_image.engine, example_image.ref, "mv-2")
    settings = settings_for(tmp_path)
    env = resolve(env_name, settings.environments, None)
    with Store.open(tmp_path) as store:
        good = deploy(settings, env, Source(None, "main", "mv-1"), store, build=False)
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            moved = Environment(env_name, "review", port=busy.getsockname()[1])
            with pytest.raises(LockgateError) as err:
                deploy(settings, moved, Source(None, "main", "mv-2"), store, build=False)
        assert "already in use" in err.value.message
        assert probe(good.url + HEALTH).status == 200
        assert _statuses(store, env_name)[0] == ("mv-2", DeploymentStatus.FAILED)
    assert [n.rsplit("-", 1)[-1] for n in _names(example_image, env_name)] == ["blue"]


def test_a_crash_between_rewriting_nginx_conf_and_the_reload_never_removes_what_nginx_serves(
    example_image: ExampleImage, tmp_path: Path, env_name: str
) -> None:
    eng = example_image.engine
    for version in ("cr-1", "cr-2", "cr-3"):
        tag(eng, example_image.ref, version)
    settings = settings_for(tmp_path)
    env = resolve(env_name, settings.environments, None)
    with Store.open(tmp_path) as store:
        first = deploy(settings, env, Source(None, "main", "cr-1"), store, build=False)
        port = urlsplit(first.url).port
        assert port is not None
        # what a deploy of cr-2 leaves when it dies after rewriting nginx.conf, before the reload
        ctx = context(settings, env)
        state = load_state(ctx.state_dir)
        assert state is not None and state.active is not None
        cr2 = Release(SERVICE, "cr-2", "localhost/tenancy-api:cr-2")
        pending = ContainerTarget(eng)._start(ctx, eng, cr2, "green")
        save_state(ctx.state_dir, EnvState(state.port, state.active, pending))
        Nginx(ctx.state_dir).write(state.port, pending.port)
        with RequestLoop(port, max_requests=2000, max_seconds=60) as loop:
            out = deploy(settings, env, Source(None, "main", "cr-3"), store, build=False)
        assert loop.failures == [], loop.failures[:5]
        assert loop.requests >= 20
        assert probe(out.url + HEALTH).status == 200
        assert not any("had switched" in n for n in out.notes)  # nginx never served cr-2
    assert len(_names(example_image, env_name)) == 1  # cr-3 only: cr-1 drained, cr-2 replaced


def test_two_checkouts_of_one_service_never_touch_each_others_containers(
    example_image: ExampleImage, tmp_path: Path, env_name: str
) -> None:
    tag(example_image.engine, example_image.ref, "two-1")
    tag(example_image.engine, example_image.ref, "two-2")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = settings_for(tmp_path / "a"), settings_for(tmp_path / "b")
    env = resolve(env_name, one.environments, None)
    with Store.open(one.project) as first, Store.open(two.project) as second:
        a = deploy(one, env, Source(None, "main", "two-1"), first, build=False)
        port = urlsplit(a.url).port
        assert port is not None
        with RequestLoop(port, max_requests=2000, max_seconds=60) as loop:
            b = deploy(two, env, Source(None, "main", "two-1"), second, build=False)
            deploy(two, env, Source(None, "main", "two-2"), second, build=False)
        assert loop.failures == [], loop.failures[:5]
        assert probe(a.url + HEALTH).status == 200 and probe(b.url + HEALTH).status == 200
    names = _names(example_image, env_name)
    assert len(names) == 2 and len({n.rsplit("-", 1)[0] for n in names}) == 2, names


def test_requests_in_flight_at_the_switch_finish_and_a_keep_alive_client_sees_no_error(
    example_image: ExampleImage, tmp_path: Path, env_name: str
) -> None:
    eng = example_image.engine
    build_own_fixture(eng, "slow", "localhost/tenancy-api:slow-1")
    tag(eng, "localhost/tenancy-api:slow-1", "slow-2")
    settings = settings_for(tmp_path)  # drain_seconds 0.5: far less than the slow request
    env = resolve(env_name, settings.environments, None)
    held: list[threading.Thread] = []
    answers: list[tuple[int, bytes] | str] = []
    recorded: list[tuple[str, DeploymentStatus]] = []

    with Store.open(tmp_path) as store:
        first = deploy(settings, env, Source(None, "main", "slow-1"), store, build=False)
        port = urlsplit(first.url).port
        assert port is not None

        class HoldsARequestAcrossTheSwitch(ContainerTarget):
            def _wait(self, ctx, eng, slot):  # type: ignore[no-untyped-def]
                super()._wait(ctx, eng, slot)
                state = load_state(ctx.state_dir)
                assert state is not None and state.active is not None
                slow = KeepAliveClient(port, path="/slow?seconds=3")
                held.append(threading.Thread(target=lambda: answers.append(slow.get())))
                held[0].start()
                old = f"http://127.0.0.1:{state.active.port}/inflight"
                for _ in range(100):  # until the old release is serving it
                    if _body(old) == b"1":
                        return
                    time.sleep(0.05)
                raise AssertionError("the slow request never reached the old release")

            def _drain(self, ctx, before):  # type: ignore[no-untyped-def]
                recorded.append(_statuses(store, env_name)[0])
                super()._drain(ctx, before)

        with KeepAliveClient(port, max_requests=3000, max_seconds=90) as client:
            target = HoldsARequestAcrossTheSwitch(eng)
            deploy(settings, env, Source(None, "main", "slow-2"), store, target=target, build=False)
        held[0].join(timeout=30)
        assert answers == [(200, b"slow done")]  # served to the end by the old release
        assert client.failures == [], client.failures[:5]
        assert client.requests >= 20 and client.reused > 0
        # recorded live at the switch, before the old release drained
        assert recorded == [("slow-2", DeploymentStatus.SUCCEEDED)]
    assert len(_names(example_image, env_name)) == 1


def _body(url: str) -> bytes | None:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=2)
    try:
        conn.request("GET", parts.path)
        return conn.getresponse().read()
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()

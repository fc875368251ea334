"""container target against real Podman and nginx: zero downtime, and faults that leave the old release serving."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from lockgate.deploy.environments import resolve
from lockgate.deploy.flow import Source, deploy, rollback
from lockgate.deploy.health import probe
from lockgate.deploy.interface import Environment
from lockgate.errors import LockgateError
from lockgate.model import DeploymentStatus
from lockgate.store.repository import Store
from tests.testing.containers import (
    HEALTH,
    ExampleImage,
    RequestLoop,
    build_fixture,
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

"""`lockgate deploy / rollback / status / env` end to end on a copy of the example (Podman + nginx)."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lockgate.cli.main import main
from lockgate.config.loader import load_config
from lockgate.deploy.flow import gate_stages
from lockgate.deploy.health import probe
from lockgate.model import DeploymentStatus, Run, RunStatus, StageResult, Status
from lockgate.store.repository import Store
from tests.testing.containers import (
    HEALTH,
    PREFIX,
    build_labelled,
    engine_or_skip,
    git,
    remove_test_containers,
    shared_example,
    stop_nginx_under,
)
from tests.testing.harness import EXAMPLES, FIXTURES, copy_project

TOML = """
[project]
name = "{name}"

[container]
name_prefix = "{prefix}"
pull = "never"

[deploy]
health_path = "{health}"
health_timeout = 30
drain_seconds = 0.5
"""


def _project(src: Path, dest: Path, name: str) -> Path:
    project = copy_project(src, dest)
    (project / "lockgate.toml").write_text(TOML.format(name=name, prefix=PREFIX, health=HEALTH))
    git(project, "init", "-q", "-b", "main")
    git(project, "-c", "user.email=t@lockgate.invalid", "-c", "user.name=t", "add", "-A")
    git(project, "-c", "user.email=t@lockgate.invalid", "-c", "user.name=t", "commit", "-qm", "x")
    return project


def _passed_run(store: Store, project: Path, service: str, commit: str) -> None:
    """A run of `commit` that ran every enabled gate and passed (what production asks for)."""
    now = datetime.now(UTC)
    gates = gate_stages(load_config(project))
    results = tuple(StageResult(g, Status.PASSED) for g in gates)
    store.save_run(Run("r1", service, now, RunStatus.PASSED, now, "main", commit, results))


@pytest.fixture
def service(tmp_path: Path) -> Iterator[str]:
    name = f"cli-{uuid.uuid4().hex[:8]}"
    yield name
    stop_nginx_under(tmp_path)
    eng = engine_or_skip()
    remove_test_containers(eng, name)
    for tag in eng.run("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split():
        if tag.startswith(f"localhost/{name}:"):
            eng.run("rmi", tag)


@pytest.mark.slow
@pytest.mark.container
def test_deploy_status_rollback_env_list(
    tmp_path: Path, service: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine_or_skip()
    project = _project(EXAMPLES / "tenancy-api", tmp_path / "svc", service)
    commit = git(project, "rev-parse", "HEAD")
    assert main(["deploy", "staging", str(project)]) == 0
    first = capsys.readouterr().out
    assert f"deployed {service} {commit[:12]} to staging" in first
    url = first.split(": ", 1)[1].split(" ")[0]
    assert probe(url + HEALTH).status == 200

    assert main(["deploy", "staging", "--version", "2.0.0", str(project)]) == 0
    assert main(["status", str(project)]) == 0
    status = capsys.readouterr().out
    assert "staging" in status and "2.0.0" in status and "serving" in status

    assert main(["rollback", "staging", str(project)]) == 0
    assert f"rolled staging back to {commit[:12]}" in capsys.readouterr().out
    assert probe(url + HEALTH).status == 200

    assert main(["env", "list", str(project)]) == 0
    listed = capsys.readouterr().out
    assert url in listed and commit[:12] in listed
    # production: not the rolled-back version; the staged one once its commit passed a run
    assert main(["deploy", "production", "--version", "2.0.0", str(project)]) == 2
    assert "2.0.0 has no succeeded deployment to 'staging'" in capsys.readouterr().err
    with Store.open(project) as store:
        _passed_run(store, project, service, commit)
    assert main(["deploy", "production", "--version", commit[:12], str(project)]) == 0
    assert f"deployed {service} {commit[:12]} to production" in capsys.readouterr().out
    assert not (project / ".lockgate/env/production/build").exists()  # the staged image, no rebuild
    with Store.open(project) as store:
        prod = store.deployments(service=service, environment="production")
        deps = store.deployments(service=service, environment="staging")
    assert prod[0].image_digest == deps[0].image_digest
    assert [d.status for d in deps] == [
        DeploymentStatus.SUCCEEDED,
        DeploymentStatus.ROLLED_BACK,
        DeploymentStatus.SUCCEEDED,
    ]
    assert all(d.image_digest and d.image_digest.startswith("sha256:") for d in deps)


@pytest.mark.slow
@pytest.mark.container
def test_a_failing_build_is_reported_and_recorded(
    tmp_path: Path, service: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine_or_skip()
    project = _project(FIXTURES / "deploy/build-fails", tmp_path / "svc", service)
    assert main(["deploy", "staging", str(project)]) == 2
    err = capsys.readouterr().err
    assert "the image build failed" in err and "fix:" in err
    with Store.open(project) as store:
        assert [d.status for d in store.deployments()] == [DeploymentStatus.FAILED]


def test_no_containerfile_and_unknown_stack_is_reported_and_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    nginx = tmp_path / "nginx"
    nginx.write_text("#!/bin/sh\nexit 0\n")
    nginx.chmod(0o755)
    monkeypatch.setenv("LOCKGATE_NGINX_BIN", str(nginx))
    project = _project(FIXTURES / "deploy/no-stack", tmp_path / "svc", "no-stack")
    code = main(["deploy", "staging", str(project)])
    err = capsys.readouterr().err
    if "no container engine" in err:
        pytest.skip("no container engine here")
    assert code == 2
    assert "cannot tell the stack" in err and "fix: add a Containerfile" in err
    with Store.open(project) as store:
        assert [d.status for d in store.deployments()] == [DeploymentStatus.FAILED]


def test_production_refuses_an_unstaged_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(FIXTURES / "deploy/python-stack", tmp_path / "svc", "refused")
    assert main(["deploy", "production", "--version", "9.9", str(project)]) == 2
    assert "version 9.9 has no succeeded deployment to 'staging'" in capsys.readouterr().err
    with Store.open(project) as store:
        assert store.deployments() == []


def test_rollback_with_no_history_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(FIXTURES / "deploy/python-stack", tmp_path / "svc", "fresh")
    assert main(["rollback", "staging", str(project)]) == 2
    assert "nothing to roll back" in capsys.readouterr().err


def test_env_prune_removes_review_environments_whose_branch_is_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(FIXTURES / "deploy/python-stack", tmp_path / "svc", "prune")
    env_dir = project / ".lockgate/env/review-feature-gone"
    env_dir.mkdir(parents=True)
    created = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    (env_dir / "env.json").write_text(
        '{"name": "review-feature-gone", "kind": "review", "branch": "feature/gone",'
        f' "created": "{created}"}}'
    )
    assert main(["env", "prune", "--dry-run", str(project)]) == 0
    out = capsys.readouterr().out
    assert "would remove review-feature-gone: branch feature/gone is gone" in out
    assert "TTL" not in out  # one hour old: only the gone branch applies
    assert env_dir.exists()
    assert main(["env", "prune", str(project)]) == 0
    assert "1 environment(s) removed" in capsys.readouterr().out
    assert not env_dir.exists()


@pytest.mark.slow
@pytest.mark.container
def test_env_prune_removes_images_no_environment_uses_and_says_what_it_freed(
    tmp_path: Path, service: str, capsys: pytest.CaptureFixture[str]
) -> None:
    eng = engine_or_skip()
    shared_example(tmp_path)  # localhost/tenancy-api:v1, the base of these images
    project = tmp_path / "svc"
    project.mkdir()
    (project / "lockgate.toml").write_text(
        TOML.format(name=service, prefix=PREFIX, health=HEALTH) + "keep_images = 2\n"
    )
    (project / "Containerfile").write_text(
        "FROM localhost/tenancy-api:v1\nCOPY blob /blob\nUSER 10001:10001\n"
    )
    for n in range(1, 5):  # four versions, each with a layer of its own
        (project / "blob").write_bytes(os.urandom(3_000_000))
        assert main(["deploy", "staging", "--version", f"p-{n}", str(project)]) == 0
    # an image of the same service built by another checkout: never touched
    other = build_labelled(eng, f"localhost/{service}:other", "dev.lockgate.project=other-1")
    capsys.readouterr()

    assert main(["env", "prune", "--dry-run", str(project)]) == 0
    out = capsys.readouterr().out
    assert "would remove image" in out and f"localhost/{service}:p-1" in out
    assert f"localhost/{service}:p-2" in out and "p-3" not in out and "p-4" not in out
    assert all(eng.image_exists(f"localhost/{service}:p-{n}") for n in range(1, 5))

    assert main(["env", "prune", str(project)]) == 0
    out = capsys.readouterr().out
    freed = re.search(r"removed 2 image\(s\) no environment uses any more, ([\d.]+) MB freed", out)
    assert freed is not None, out
    assert 5.0 < float(freed.group(1)) < 7.0  # two own layers of 3 MB; the shared base stays
    assert "kept the newest 2 per environment" in out
    assert [eng.image_exists(f"localhost/{service}:p-{n}") for n in range(1, 5)] == [
        False,
        False,
        True,
        True,
    ]
    assert eng.image_exists(other)
    assert main(["rollback", "staging", str(project)]) == 0  # p-3 is still there to go back to
    assert "back to p-3" in capsys.readouterr().out

"""Production takes a clean commit of the default branch whose run ran every enabled gate and passed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lockgate.config.loader import load_config
from lockgate.deploy.environments import resolve
from lockgate.deploy.flow import Outcome, Settings, Source, deploy, gate_stages
from lockgate.errors import LockgateError
from lockgate.model import DeploymentStatus, Run, RunStatus, StageResult, Status
from lockgate.store.repository import Store
from tests.deploy.fakes import FakeTarget
from tests.testing.containers import git, settings_for
from tests.testing.harness import init_git

GATES = ("lint", "test", "secrets")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "svc"
    root.mkdir()
    (root / "app.py").write_text("print('hello')\n")
    (root / ".gitignore").write_text(".lockgate/\n")
    init_git(root)
    return root


@pytest.fixture
def store(project: Path):  # type: ignore[no-untyped-def]
    with Store.open(project) as s:
        yield s


def _settings(project: Path) -> Settings:
    return replace(settings_for(project), gates=GATES)


def _deploy(
    settings: Settings, store: Store, target: FakeTarget, env: str, version: str | None = None
) -> Outcome:
    commit = git(settings.project, "rev-parse", "HEAD")
    environment = resolve(env, settings.environments, "main")
    source = Source(commit, "main", version)
    return deploy(settings, environment, source, store, target=target, build=False)


def _run(
    store: Store,
    project: Path,
    run_id: str,
    results: dict[str, Status],
    status: RunStatus = RunStatus.PASSED,
) -> None:
    now = datetime.now(UTC)
    store.save_run(
        Run(
            id=run_id,
            project="tenancy-api",
            started=now,
            status=status,
            finished=now,
            branch="main",
            commit=git(project, "rev-parse", "HEAD"),
            results=tuple(StageResult(stage, st) for stage, st in results.items()),
        )
    )


def _staged(project: Path, store: Store, target: FakeTarget) -> Settings:
    settings = _settings(project)
    _deploy(settings, store, target, "staging")
    return settings


def test_a_failed_full_run_is_not_cleared_by_a_passed_partial_one(
    project: Path, store: Store
) -> None:
    target = FakeTarget()
    settings = _staged(project, store, target)
    _run(store, project, "full", {"lint": Status.PASSED, "test": Status.FAILED}, RunStatus.FAILED)
    _run(store, project, "only-lint", {"lint": Status.PASSED})  # lockgate run --only lint
    with pytest.raises(LockgateError) as err:
        _deploy(settings, store, target, "production")
    message = err.value.message
    assert "run only-lint did not run test, secrets (left out by --only/--skip)" in message
    assert "run full is failed" in message
    assert "every enabled gate (lint, test, secrets)" in message
    assert "no --only/--skip" in (err.value.hint or "")
    assert store.deployments(environment="production") == []


@pytest.mark.parametrize(
    ("results", "said"),
    [
        ({"lint": Status.PASSED, "test": Status.SKIPPED, "secrets": Status.PASSED}, "test skipped"),
        ({"lint": Status.ERROR, "test": Status.PASSED, "secrets": Status.PASSED}, "lint error"),
        ({"lint": Status.PASSED, "secrets": Status.PASSED}, "did not run test"),
    ],
)
def test_a_run_with_a_skipped_erroring_or_missing_gate_does_not_clear_production(
    project: Path, store: Store, results: dict[str, Status], said: str
) -> None:
    target = FakeTarget()
    settings = _staged(project, store, target)
    _run(store, project, "r1", results)
    with pytest.raises(LockgateError, match=said):
        _deploy(settings, store, target, "production")


def test_a_run_of_every_gate_that_passed_or_warned_clears_production(
    project: Path, store: Store
) -> None:
    target = FakeTarget()
    settings = _staged(project, store, target)
    _run(
        store,
        project,
        "r1",
        {"lint": Status.PASSED, "test": Status.WARNED, "secrets": Status.PASSED},
    )
    out = _deploy(settings, store, target, "production")
    assert out.deployment.status is DeploymentStatus.SUCCEEDED


def test_a_dirty_tree_is_refused_and_the_message_says_so(project: Path, store: Store) -> None:
    target = FakeTarget()
    settings = _staged(project, store, target)
    _run(store, project, "r1", dict.fromkeys(GATES, Status.PASSED))
    (project / "app.py").write_text("print('changed, not committed')\n")
    with pytest.raises(LockgateError) as err:
        _deploy(settings, store, target, "production")
    assert "uncommitted changes" in err.value.message
    assert "takes only a clean commit" in err.value.message
    assert "commit the changes" in (err.value.hint or "")


def test_a_version_built_from_a_dirty_tree_never_reaches_production(
    project: Path, store: Store
) -> None:
    target = FakeTarget()
    settings = _settings(project)
    _run(store, project, "r1", dict.fromkeys(GATES, Status.PASSED))
    (project / "app.py").write_text("print('changed, not committed')\n")
    staged = _deploy(settings, store, target, "staging", version="2.0.0")
    assert staged.deployment.version.startswith("2.0.0-dirty-")  # never recorded as 2.0.0
    assert any("uncommitted changes" in n for n in staged.notes)
    git(project, "checkout", "--", "app.py")  # the tree is clean again; the staged build was not
    with pytest.raises(LockgateError, match="no succeeded deployment to 'staging'"):
        _deploy(settings, store, target, "production", version="2.0.0")
    with pytest.raises(LockgateError, match="built from a dirty tree"):
        _deploy(settings, store, target, "production", version=staged.deployment.version)
    assert store.deployments(environment="production") == []


def test_the_deploy_stage_is_not_a_gate_production_asks_for(project: Path) -> None:
    gates = gate_stages(load_config(project))
    assert "deploy" not in gates
    assert {"lint", "test", "secrets", "build"} <= set(gates)
    (project / "lockgate.toml").write_text("[stages.test]\nenabled = false\n")
    assert "test" not in gate_stages(load_config(project))

"""Deploy and rollback flow with a fake target and the real store: records, refusals, crashes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lockgate.deploy.environments import resolve
from lockgate.deploy.flow import Settings, Source, deploy, rollback
from lockgate.deploy.interface import Release
from lockgate.deploy.lock import LOCK_NAME
from lockgate.errors import ExitCode, LockgateError
from lockgate.model import DeploymentStatus, Run, RunStatus
from lockgate.store.repository import Store
from tests.deploy.fakes import FakeTarget
from tests.testing.containers import settings_for

S = DeploymentStatus


def _history(store: Store, env: str) -> list[tuple[str, DeploymentStatus]]:
    return [(d.version, d.status) for d in store.deployments(environment=env)]


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Store.open(tmp_path) as s:
        yield s


def _deploy(
    tmp_path: Path,
    store: Store,
    target: FakeTarget,
    version: str,
    env: str = "staging",
    commit: str | None = "c0ffee" * 6,
    branch: str = "main",
):  # type: ignore[no-untyped-def]
    settings = settings_for(tmp_path)
    environment = resolve(env, settings.environments, branch)
    return deploy(
        settings, environment, Source(commit, branch, version), store, target=target, build=False
    )


def test_a_deploy_is_recorded_in_progress_then_succeeded(tmp_path: Path, store: Store) -> None:
    seen: list[list[tuple[str, DeploymentStatus]]] = []

    class Watching(FakeTarget):
        def deploy(self, ctx, release):  # type: ignore[no-untyped-def]
            seen.append(_history(store, "staging"))
            return super().deploy(ctx, release)

    out = _deploy(tmp_path, store, Watching(), "1.0")
    assert seen == [[("1.0", S.IN_PROGRESS)]]
    assert _history(store, "staging") == [("1.0", S.SUCCEEDED)]
    dep = store.deployments(environment="staging")[0]
    assert dep.id == out.deployment.id and dep.finished is not None and dep.triggered_by
    assert dep.image_digest is None and dep.commit == "c0ffee" * 6


def test_a_failed_deploy_is_recorded_and_exits_1(tmp_path: Path, store: Store) -> None:
    target = FakeTarget(fail_versions={"2.0"})
    _deploy(tmp_path, store, target, "1.0")
    with pytest.raises(LockgateError) as err:
        _deploy(tmp_path, store, target, "2.0")
    assert err.value.exit_code == ExitCode.GATE_FAILED
    assert "never became healthy" in err.value.message
    assert _history(store, "staging") == [("2.0", S.FAILED), ("1.0", S.SUCCEEDED)]
    assert target.live_release is not None and target.live_release.version == "1.0"


def test_a_bug_in_the_target_is_recorded_as_failed_not_left_in_progress(
    tmp_path: Path, store: Store
) -> None:
    with pytest.raises(RuntimeError):
        _deploy(tmp_path, store, FakeTarget(crash_versions={"1.0"}), "1.0")
    dep = store.deployments(environment="staging")[0]
    assert dep.status is S.FAILED and "bug in the target" in dep.detail


def test_a_missing_tool_is_recorded_before_anything_starts(tmp_path: Path, store: Store) -> None:
    with pytest.raises(LockgateError, match="nginx is not installed"):
        _deploy(tmp_path, store, FakeTarget(missing_tool="nginx"), "1.0")
    assert _history(store, "staging") == [("1.0", S.FAILED)]


def test_a_process_that_dies_mid_deploy_is_marked_failed_by_the_next(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        from pathlib import Path
        from lockgate.store.repository import Store
        from tests.deploy.test_flow import _deploy
        from tests.deploy.fakes import FakeTarget
        root = Path({str(tmp_path)!r})
        with Store.open(root) as store:
            _deploy(root, store, FakeTarget(exit_versions={{"1.0"}}), "1.0")
    """)
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 9, done.stderr
    with Store.open(tmp_path) as store:
        assert _history(store, "staging") == [("1.0", S.IN_PROGRESS)]  # never "succeeded"
        assert (tmp_path / ".lockgate/env/staging" / LOCK_NAME).exists()
        out = _deploy(tmp_path, store, FakeTarget(), "1.1")
        assert any("stale deploy lock" in n for n in out.notes)
        assert _history(store, "staging") == [("1.1", S.SUCCEEDED), ("1.0", S.FAILED)]
        crashed = store.deployments(environment="staging")[1]
        assert crashed.finished is not None and "process died" in crashed.detail
        assert any("never finished" in n for n in out.notes)


def test_a_crash_while_the_old_release_drains_leaves_the_live_one_recorded_succeeded(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path) as store:
        _deploy(tmp_path, store, FakeTarget(), "1.0")
    script = textwrap.dedent(f"""
        from pathlib import Path
        from lockgate.store.repository import Store
        from tests.deploy.test_flow import _deploy
        from tests.deploy.fakes import FakeTarget
        root = Path({str(tmp_path)!r})
        with Store.open(root) as store:
            _deploy(root, store, FakeTarget(exit_after_switch_versions={{"2.0"}}), "2.0")
    """)
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 9, done.stderr
    with Store.open(tmp_path) as store:
        # 2.0 went live before the process died: recorded so at the switch, not left in progress
        assert _history(store, "staging") == [("2.0", S.SUCCEEDED), ("1.0", S.SUCCEEDED)]
        target = FakeTarget()
        target.releases["staging"] = Release("tenancy-api", "2.0", "img:2.0")
        _deploy(tmp_path, store, target, "3.0")  # the next deploy does not mark it failed
        assert _history(store, "staging")[1] == ("2.0", S.SUCCEEDED)
        settings = settings_for(tmp_path)
        back = rollback(
            settings, resolve("staging", settings.environments, None), store, target=target
        )
        assert back.deployment.version == "2.0"  # the live one before 3.0, not 1.0


def test_rollback_goes_to_the_previous_good_version(tmp_path: Path, store: Store) -> None:
    target = FakeTarget(fail_versions={"3.0"})
    _deploy(tmp_path, store, target, "1.0")
    _deploy(tmp_path, store, target, "2.0")
    with pytest.raises(LockgateError):
        _deploy(tmp_path, store, target, "3.0")
    settings = settings_for(tmp_path)
    env = resolve("staging", settings.environments, None)
    out = rollback(settings, env, store, target=target)
    assert out.deployment.version == "1.0"
    assert target.live_release is not None and target.live_release.version == "1.0"
    assert _history(store, "staging") == [
        ("1.0", S.SUCCEEDED),
        ("3.0", S.FAILED),
        ("2.0", S.ROLLED_BACK),
        ("1.0", S.SUCCEEDED),
    ]
    assert "rollback of" in store.deployments(environment="staging")[0].detail


def test_rollback_with_nothing_before_says_so(tmp_path: Path, store: Store) -> None:
    target = FakeTarget()
    _deploy(tmp_path, store, target, "1.0")
    settings = settings_for(tmp_path)
    with pytest.raises(LockgateError, match=r"no good version before 1\.0"):
        rollback(settings, resolve("staging", settings.environments, None), store, target=target)


def _passed_run(store: Store, commit: str, branch: str = "main") -> None:
    now = datetime.now(UTC)
    store.begin_run(
        Run(
            id=f"run-{commit[:6]}-{branch}",
            project="tenancy-api",
            started=now,
            status=RunStatus.RUNNING,
            branch=branch,
            commit=commit,
        )
    )
    store.finish_run(f"run-{commit[:6]}-{branch}", RunStatus.PASSED, now)


def test_production_takes_only_a_staged_gated_version_from_the_default_branch(
    tmp_path: Path, store: Store
) -> None:
    target = FakeTarget()
    sha = "ab" * 20
    with pytest.raises(LockgateError, match="no succeeded deployment to 'staging'") as err:
        _deploy(tmp_path, store, target, "1.0", env="production", commit=sha)
    assert (
        err.value.hint
        == "deploy it to 'staging' and verify it there first: lockgate deploy staging"
    )
    _deploy(tmp_path, store, target, "1.0", env="staging", commit=sha)
    with pytest.raises(LockgateError, match="has no passed `lockgate run`") as err:
        _deploy(tmp_path, store, target, "1.0", env="production", commit=sha)
    assert "run `lockgate run` on this commit" in (err.value.hint or "")
    with pytest.raises(LockgateError, match="takes versions from main only") as err:
        _deploy(tmp_path, store, target, "1.0", env="production", commit=sha, branch="feature")
    assert "check out main" in (err.value.hint or "")
    _passed_run(store, sha)
    with pytest.raises(LockgateError, match="check out that commit"):
        _deploy(tmp_path, store, target, "1.0", env="production", commit="cd" * 20)
    out = _deploy(tmp_path, store, target, "1.0", env="production", commit=sha)
    assert out.deployment.status is S.SUCCEEDED
    assert _history(store, "production") == [("1.0", S.SUCCEEDED)]  # refusals are not deploys


def test_a_review_environment_is_named_after_the_branch(tmp_path: Path, store: Store) -> None:
    out = _deploy(tmp_path, store, FakeTarget(), "1.0", env="review", branch="feature/Login-Form")
    assert out.deployment.environment == "review-feature-login-form"


def test_a_second_deploy_to_the_same_environment_is_refused_not_queued(
    tmp_path: Path, store: Store
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from lockgate.deploy.lock import EnvLock
            with EnvLock(Path({str(tmp_path / ".lockgate/env/staging")!r}), "staging"):
                print("locked", flush=True)
                time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockgateError) as err:
            _deploy(tmp_path, store, FakeTarget(), "1.0")
        assert f"locked by another deploy: pid {holder.pid}" in err.value.message
        assert store.deployments() == []
    finally:
        holder.kill()
        holder.wait()


def test_declared_branch_rules_apply_to_any_environment(tmp_path: Path, store: Store) -> None:
    settings = settings_for(tmp_path)
    settings = Settings(
        settings.project,
        settings.service,
        settings.base_branch,
        settings.container,
        settings.deploy,
        {"qa": {"branches": ["@default", "release"], "requires": []}},
    )
    env = resolve("qa", settings.environments, "feature")
    with pytest.raises(LockgateError, match="takes versions from main, release only"):
        deploy(
            settings,
            env,
            Source("ab" * 20, "feature", "1.0"),
            store,
            target=FakeTarget(),
            build=False,
        )
    out = deploy(
        settings, env, Source("ab" * 20, "release", "1.0"), store, target=FakeTarget(), build=False
    )
    assert out.deployment.status is S.SUCCEEDED


def test_the_record_is_written_before_the_build_so_a_crash_there_is_never_unrecorded(
    tmp_path: Path, store: Store
) -> None:
    seen: list[list[tuple[str, DeploymentStatus]]] = []

    class InterruptedDuringChecks(FakeTarget):
        def check(self, ctx):  # type: ignore[no-untyped-def]
            seen.append(_history(store, "staging"))
            raise KeyboardInterrupt  # Ctrl-C while the image builds

    with pytest.raises(KeyboardInterrupt):
        _deploy(tmp_path, store, InterruptedDuringChecks(), "1.0")
    assert seen == [[("1.0", S.IN_PROGRESS)]]
    [dep] = store.deployments(environment="staging")
    assert (dep.status, dep.detail) == (S.FAILED, "interrupted")
    assert dep.finished is not None

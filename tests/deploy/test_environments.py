"""Environment names, review environments per branch, and which review environments to prune."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lockgate.deploy.environments import (
    EnvRecord,
    declared,
    existing,
    prune_reason,
    resolve,
    review_expiry,
    state_dir,
    write_record,
)
from lockgate.errors import LockgateError
from tests.testing.containers import git
from tests.testing.harness import init_git

ENVS = declared(None)


def test_defaults_are_review_staging_production() -> None:
    assert list(ENVS) == ["review", "staging", "production"]


def test_declared_environments_replace_the_defaults() -> None:
    assert list(declared({"qa": {"port": 0}})) == ["qa"]


@pytest.mark.parametrize(
    ("branch", "name"),
    [
        ("feature/login", "review-feature-login"),
        ("Fix_Bug#12", "review-fix-bug-12"),
        ("x" * 100, "review-" + "x" * 63),
    ],
)
def test_review_is_one_environment_per_branch(branch: str, name: str) -> None:
    env = resolve("review", ENVS, branch)
    assert (env.name, env.kind, env.branch) == (name, "review", branch)


def test_review_without_a_branch_is_an_error() -> None:
    with pytest.raises(LockgateError, match="needs a git branch"):
        resolve("review", ENVS, None)


def test_unknown_environment_suggests_the_closest() -> None:
    with pytest.raises(LockgateError) as err:
        resolve("prod", ENVS, "main")
    assert "did you mean 'production'" in (err.value.hint or "")


def test_existing_environments_come_from_their_records(tmp_path: Path) -> None:
    env = resolve("review", ENVS, "feature/a")
    first = write_record(state_dir(tmp_path, env.name), env)
    again = write_record(state_dir(tmp_path, env.name), env)
    assert first == again  # created once
    assert [r.name for r in existing(tmp_path)] == ["review-feature-a"]


def test_prune_reasons(tmp_path: Path) -> None:
    init_git(tmp_path)
    git(tmp_path, "branch", "feature/alive")
    now = datetime.now(UTC)
    young = now - timedelta(hours=1)
    alive = EnvRecord("review-feature-alive", "review", young, "feature/alive")
    gone = EnvRecord("review-feature-gone", "review", young, "feature/gone")
    old = EnvRecord("review-feature-alive", "review", now - timedelta(hours=100), "feature/alive")
    staging = EnvRecord("staging", "staging", now - timedelta(days=400))
    assert prune_reason(tmp_path, alive, 72, now) is None
    assert prune_reason(tmp_path, gone, 72, now) == "branch feature/gone is gone"
    assert "past the 72 h TTL" in (prune_reason(tmp_path, old, 72, now) or "")
    old_gone = EnvRecord(
        "review-feature-gone", "review", now - timedelta(hours=100), "feature/gone"
    )
    both = prune_reason(tmp_path, old_gone, 72, now) or ""
    assert "past the 72 h TTL" in both and "branch feature/gone is gone" in both  # every reason
    assert prune_reason(tmp_path, staging, 72, now) is None  # only review environments go


def test_review_expiry_is_pure_and_lists_every_reason() -> None:
    now = datetime(2030, 1, 10, tzinfo=UTC)  # any clock: the rule only compares times it is given
    rec = EnvRecord("review-x", "review", now - timedelta(hours=73), "x")
    assert review_expiry(rec, 72, now, branch_gone=False) == ("73 h old, past the 72 h TTL",)
    assert review_expiry(rec, 72, now - timedelta(hours=2), branch_gone=None) == ()
    assert len(review_expiry(rec, 72, now, branch_gone=True)) == 2
    staging = EnvRecord("staging", "staging", now - timedelta(days=999))
    assert review_expiry(staging, 72, now, branch_gone=True) == ()

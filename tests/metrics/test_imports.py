"""Tag imports: the time each kind of tag stands for, no duplicates, tags that are no commits."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lockgate.metrics.gitlog import Repo
from lockgate.metrics.imports import import_tags
from lockgate.model import Deployment, DeploymentStatus
from lockgate.store.repository import Store
from tests.metrics.gitrepo import GitRepo

COMMITTED = datetime(2026, 2, 2, 9, tzinfo=UTC)
TAGGED = datetime(2026, 2, 5, 17, 30, tzinfo=UTC)


def test_annotated_tags_use_the_tagger_date_and_lightweight_ones_the_commit_date(
    tmp_path: Path, store: Store
) -> None:
    repo = GitRepo(tmp_path / "r")
    sha = repo.commit("release", COMMITTED)
    repo.tag("v1-light")
    repo.tag("v1-annotated", at=TAGGED)
    done = import_tags(store, Repo(repo.root), "shop", "v1-*")
    assert (done.added, done.already) == (2, 0)
    deps = {d.version: d for d in store.environment_deployments("production", "shop")}
    assert deps["v1-light"].finished == COMMITTED
    assert deps["v1-annotated"].finished == TAGGED
    assert {d.commit for d in deps.values()} == {sha}
    assert {d.status for d in deps.values()} == {DeploymentStatus.SUCCEEDED}
    again = import_tags(store, Repo(repo.root), "shop", "v1-*")
    assert (again.added, again.already) == (0, 2)


def test_a_tagged_commit_already_deployed_by_lockgate_is_not_imported_twice(
    tmp_path: Path, store: Store
) -> None:
    repo = GitRepo(tmp_path / "r")
    sha = repo.commit("release", COMMITTED)
    repo.tag("v1", at=TAGGED)
    store.add_deployment(
        Deployment(
            "shop", "production", "v1", sha, None, TAGGED, DeploymentStatus.SUCCEEDED, "ci", TAGGED
        )
    )
    done = import_tags(store, Repo(repo.root), "shop", "v*")
    assert done.added == 0
    assert done.notes == ("1 tagged commits already have a recorded production deployment",)


def test_a_tag_of_a_tree_is_skipped_and_said(tmp_path: Path, store: Store) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit("release", COMMITTED)
    repo.git("tag", "-a", "v-tree", "-m", "tree", "HEAD^{tree}")
    repo.tag("v1")
    done = import_tags(store, Repo(repo.root), "shop", "v*")
    assert done.added == 1
    assert done.notes == ("tag v-tree does not point at a commit: skipped",)

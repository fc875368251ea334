"""The commits each production deployment shipped, from a real git repository, on both stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from lockgate.metrics.gitlog import Repo
from lockgate.metrics.model import ChangeSetState, Window
from lockgate.metrics.report import service_keys
from lockgate.model import Deployment, DeploymentStatus
from lockgate.store.repository import Store
from tests.metrics.gitrepo import GitRepo

T0 = datetime(2026, 2, 2, tzinfo=UTC)
NOW = T0 + timedelta(days=30)
WINDOW = Window(T0 - timedelta(days=10), NOW)
H = 3600.0


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def deploy(
    store: Store,
    sha: str | None,
    hours: float,
    status: DeploymentStatus = DeploymentStatus.SUCCEEDED,
) -> int:
    when = at(hours)
    dep = Deployment("shop", "production", f"v{hours}", sha, None, when, status, "test", when)
    dep_id = store.import_deployment(dep, f"test:{hours}")
    assert dep_id is not None
    return dep_id


def shipped(store: Store, repo: GitRepo) -> dict[int, tuple[str, list[float]]]:
    """deployment id → (change set state, lead times in hours), after a refresh."""
    service_keys(store, "shop", WINDOW, NOW, Repo(repo.root))
    sets = store.change_sets("shop")
    leads: dict[int, tuple[str, list[float]]] = {}
    for dep_id, cs in sets.items():
        dep = store.get_deployment(dep_id)
        assert dep is not None and dep.finished is not None
        span = (dep.finished, dep.finished + timedelta(seconds=1))
        [values] = store.lead_seconds("shop", [span])
        leads[dep_id] = (cs.state, sorted(v / H for v in values))
    return leads


def test_a_commit_shipped_rolled_back_and_shipped_again_counts_once(
    tmp_path: Path, store: Store
) -> None:
    repo = GitRepo(tmp_path / "r")
    a = repo.commit("a", at(0))
    b = repo.commit("b", at(1))
    d1 = deploy(store, a, 2)
    d2 = deploy(store, b, 3, DeploymentStatus.ROLLED_BACK)
    d3 = deploy(store, a, 4)  # the rollback
    c = repo.commit("c", at(5))
    d4 = deploy(store, c, 6)
    assert shipped(store, repo) == {
        d1: ("first", []),
        d2: ("complete", [2.0]),  # b: 3 - 1
        d3: ("complete", []),  # nothing new
        d4: ("complete", [1.0]),  # c only; b already reached production with d2
    }


def test_merge_commits_are_not_changes_and_failed_deployments_ship_nothing(
    tmp_path: Path, store: Store
) -> None:
    repo = GitRepo(tmp_path / "r")
    base = repo.commit("base", at(0))
    deploy(store, base, 1)
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("topic", at(2))
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge topic", "topic", at=at(3))
    merge = repo.sha("HEAD")
    failed = deploy(store, merge, 4, DeploymentStatus.FAILED)
    good = deploy(store, merge, 5)
    found = shipped(store, repo)
    assert failed not in found
    assert found[good] == ("complete", [3.0])  # the topic commit (5 - 2); the merge is no change


def test_lead_time_counts_from_the_committer_date_not_the_author_date(
    tmp_path: Path, store: Store
) -> None:
    repo = GitRepo(tmp_path / "r")
    deploy(store, repo.commit("base", at(0)), 1)
    rebased = repo.commit("rebased", at(10), author_at=at(-100))
    d = deploy(store, rebased, 12)
    assert shipped(store, repo)[d] == ("complete", [2.0])


def _squash_repo(tmp_path: Path, store: Store, *, keep_pr_ref: bool) -> tuple[GitRepo, int]:
    repo = GitRepo(tmp_path / "r")
    base = repo.commit("base", at(0))
    deploy(store, base, 1)
    repo.git("checkout", "-q", "-b", "pr")
    repo.commit("first draft", at(2))
    head = repo.commit("review fixes", at(20))
    if keep_pr_ref:
        repo.git("update-ref", "refs/pull/7/head", head)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--squash", "pr")
    repo.git("commit", "-q", "-m", "Add search (#7)", at=at(30))
    repo.git("branch", "-q", "-D", "pr")
    return repo, deploy(store, repo.sha("HEAD"), 32)


def test_a_squash_merge_counts_from_its_pull_requests_earliest_commit(
    tmp_path: Path, store: Store
) -> None:
    repo, d = _squash_repo(tmp_path, store, keep_pr_ref=True)
    assert shipped(store, repo)[d] == ("complete", [30.0])  # 32 - 2
    keys = service_keys(store, "shop", WINDOW, NOW, Repo(repo.root))
    assert not [w for w in keys.warnings if "squash" in w.what]


def test_a_squash_merge_without_its_pull_request_is_counted_and_said(
    tmp_path: Path, store: Store
) -> None:
    repo, d = _squash_repo(tmp_path, store, keep_pr_ref=False)
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    assert shipped(store, repo)[d] == ("complete", [2.0])  # from the squash commit: 32 - 30
    keys = service_keys(store, "shop", WINDOW, NOW, Repo(repo.root))
    [note] = [w for w in keys.warnings if "squash" in w.what]
    assert note.count == 1 and "refs/pull" in note.fix


def test_history_imported_later_is_taken_into_account(tmp_path: Path, store: Store) -> None:
    repo = GitRepo(tmp_path / "r")
    a = repo.commit("a", at(0))
    b = repo.commit("b", at(1))
    d2 = deploy(store, b, 3)
    assert shipped(store, repo)[d2] == ("first", [])
    deploy(store, a, 2)  # older history arrives
    assert shipped(store, repo)[d2] == ("complete", [2.0])


def _clone(source: GitRepo, dest: Path, *args: str) -> GitRepo:
    clone = GitRepo.__new__(GitRepo)
    clone.root = dest
    source.git("clone", "-q", *args, f"file://{source.root}", str(dest))
    return clone


def test_a_shallow_clone_without_the_deployed_commits_warns_instead_of_guessing(
    tmp_path: Path, store: Store
) -> None:
    full = GitRepo(tmp_path / "full")
    shas = [full.commit(f"c{i}", at(i)) for i in range(6)]
    for i, sha in enumerate(shas[:5]):
        deploy(store, sha, i + 0.5)
    clone = _clone(full, tmp_path / "clone", "--depth", "3")  # c3, c4, c5
    keys = service_keys(store, "shop", WINDOW, NOW, Repo(clone.root))
    states = sorted(cs.state for cs in store.change_sets("shop").values())
    assert states == ["complete", *["missing_commit"] * 3, "missing_previous"]
    assert keys.lead_time.stats.count == 1  # c4 (deployed after c3): the only honest one
    reasons = " ".join(w.reason + w.fix for w in keys.warnings)
    assert "not in this clone" in reasons and "git fetch --unshallow" in reasons
    assert sum(w.count for w in keys.warnings if "lead time" in w.what) == 4


def test_a_range_reaching_a_shallow_boundary_is_truncated(tmp_path: Path, store: Store) -> None:
    full = GitRepo(tmp_path / "full")
    base = full.commit("base", at(0))
    full.git("checkout", "-q", "-b", "side")
    full.commit("side 1", at(1))
    side = full.commit("side 2", at(2))
    full.git("tag", "side-tip", side)
    full.git("checkout", "-q", "main")
    tip = full.commit("main", at(3))
    clone = _clone(full, tmp_path / "clone", "--depth", "1", "--no-tags")
    clone.git("fetch", "-q", "--depth", "1", "origin", "tag", "side-tip")
    deploy(store, tip, 4)
    d = deploy(store, side, 5)  # its history before "side 2" is cut off in the clone
    assert base not in Repo(clone.root).resolve([base])
    assert shipped(store, clone)[d] == (ChangeSetState.TRUNCATED.value, [])

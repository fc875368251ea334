"""Runs keyed on a stable project identity: folders named alike keep their own history."""

from __future__ import annotations

from lockgate.model import RunStatus
from lockgate.store import Store
from tests.store.samples import run

ALPHA = "github.com/team-a/api"
BETA = "gitlab.example.invalid/team-b/api"


def test_two_projects_named_alike_do_not_share_history(store: Store) -> None:
    store.save_run(run("a1", 0, project="api", project_key=ALPHA, status=RunStatus.PASSED))
    store.save_run(run("b1", 1, project="api", project_key=BETA, status=RunStatus.PASSED))
    assert [r.id for r in store.list_runs(project="api", key=ALPHA)] == ["a1"]
    assert [r.id for r in store.list_runs(project="api", key=BETA)] == ["b1"]
    assert store.list_runs(key=ALPHA)[0].project_key == ALPHA
    green = store.last_green_run("api", "main", key=ALPHA)
    assert green is not None and green.id == "a1"  # not b1, the newer one of the other team


def test_runs_recorded_before_keys_still_belong_to_their_name(store: Store) -> None:
    store.save_run(run("old", 0, project="api", status=RunStatus.PASSED))  # no key: legacy
    store.save_run(run("new", 1, project="api", project_key=ALPHA, status=RunStatus.FAILED))
    store.save_run(run("other", 2, project="shop", status=RunStatus.PASSED))
    assert [r.id for r in store.list_runs(project="api", key=ALPHA)] == ["new", "old"]
    green = store.last_green_run("api", "main", key=ALPHA)
    assert green is not None and green.id == "old"
    assert [r.id for r in store.list_runs(key=ALPHA)] == ["new"]  # by key alone: keyed runs


def test_a_name_alone_still_finds_every_run_of_that_name(store: Store) -> None:
    store.save_run(run("a1", 0, project="api", project_key=ALPHA))
    store.save_run(run("b1", 1, project="api", project_key=BETA))
    assert {r.id for r in store.list_runs(project="api")} == {"a1", "b1"}

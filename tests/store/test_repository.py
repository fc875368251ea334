"""The Store API on SQLite and PostgreSQL: round trips, ordering, unknown ids, hostile strings."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lockgate.errors import LockgateError
from lockgate.model import (
    DeploymentStatus,
    Finding,
    Location,
    Metric,
    RunStatus,
    Severity,
    StageResult,
    Status,
    Unchecked,
)
from lockgate.store import MetricPoint, Store
from tests.store import samples
from tests.store.samples import A11Y, SAST, SKIPPED, TESTS, at
from tests.testing.harness import REPO


def test_run_round_trips_with_every_field(store: Store) -> None:
    store.begin_run(samples.run())
    for result in (SAST, TESTS, A11Y, SKIPPED):
        store.save_result("r1", result)
    store.finish_run("r1", RunStatus.FAILED, at(5))

    got = store.get_run("r1")

    assert got == samples.run(
        status=RunStatus.FAILED, finished=at(5), results=(SAST, TESTS, A11Y, SKIPPED)
    )
    assert got.started.tzinfo is UTC and got.finished is not None and got.finished.tzinfo is UTC


def test_begin_run_records_running_whatever_status_it_is_given(store: Store) -> None:
    store.begin_run(samples.run(status=RunStatus.PASSED))
    assert store.get_run("r1").status is RunStatus.RUNNING


def test_saving_a_stage_again_replaces_it_in_place(store: Store) -> None:
    store.begin_run(samples.run())
    store.save_result("r1", SAST)
    store.save_result("r1", TESTS)
    fixed = SAST.with_(status=Status.PASSED, findings=(), summary="fixed")
    store.save_result("r1", fixed)

    assert store.get_run("r1").results == (fixed, TESTS)


def test_list_runs_is_newest_first_without_results_and_filtered(store: Store) -> None:
    store.begin_run(samples.run("old", minutes=0))
    store.begin_run(samples.run("new", minutes=10))
    store.begin_run(samples.run("other", minutes=5, project="billing"))
    store.save_result("new", SAST)

    assert [r.id for r in store.list_runs()] == ["new", "other", "old"]
    assert [r.id for r in store.list_runs(project="shop")] == ["new", "old"]
    assert [r.id for r in store.list_runs(limit=1)] == ["new"]
    assert all(r.results == () for r in store.list_runs())


def test_last_green_run_is_the_newest_passed_one_on_that_branch(store: Store) -> None:
    plan = [
        ("g1", 0, "main", RunStatus.PASSED),
        ("g2", 10, "main", RunStatus.PASSED),
        ("red", 20, "main", RunStatus.FAILED),
        ("feature", 30, "feature/x", RunStatus.PASSED),
    ]
    for run_id, minutes, branch, status in plan:
        store.begin_run(samples.run(run_id, minutes=minutes, branch=branch))
        store.save_result(run_id, TESTS)
        store.finish_run(run_id, status, at(minutes + 1))

    green = store.last_green_run("shop", "main")

    assert green is not None and green.id == "g2" and green.results == (TESTS,)
    assert store.last_green_run("shop", "release") is None
    assert store.last_green_run("billing", "main") is None


def test_unknown_run_ids_are_user_errors_with_a_hint(store: Store) -> None:
    with pytest.raises(LockgateError) as got:
        store.get_run("nope")
    assert "nope" in got.value.message and got.value.hint is not None
    assert "lockgate history" in got.value.hint
    with pytest.raises(LockgateError, match="nope"):
        store.save_result("nope", SAST)
    with pytest.raises(LockgateError, match="nope"):
        store.finish_run("nope", RunStatus.PASSED, at(1))


def test_a_duplicate_run_id_is_a_user_error(store: Store) -> None:
    store.begin_run(samples.run())
    with pytest.raises(LockgateError, match="already"):
        store.begin_run(samples.run())


def test_save_run_stores_a_complete_run_at_once(store: Store) -> None:
    done = samples.run("ci-7", status=RunStatus.PASSED, finished=at(3), results=(TESTS, SAST))
    store.save_run(done)
    assert store.get_run("ci-7") == done
    assert store.mark_orphans_interrupted() == []


def test_datetimes_come_back_as_the_same_instant_in_utc(store: Store) -> None:
    local = datetime(2026, 3, 1, 14, 0, tzinfo=samples.PLUS_TWO)
    store.begin_run(samples.run(started=local))
    got = store.get_run("r1").started
    assert got == local and got.tzinfo is UTC and got.hour == 12


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        store.begin_run(samples.run(started=datetime(2026, 3, 1, 12, 0)))


HOSTILE = [
    "nul \x00 byte",
    "lone surrogate \udcff from undecodable output",
    "émoji 🔒 and ✓, right-to-left \u202e",
    "quote ' \" ; DROP TABLE runs; --",
    "x" * 200_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=["nul", "surrogate", "unicode", "sql", "huge"])
def test_hostile_strings_are_stored_without_error(store: Store, text: str) -> None:
    finding = Finding(
        stage="sast",
        tool=text,
        rule_id=text,
        message=text,
        severity=Severity.INFO,
        fingerprint="0" * 20,
        location=Location(text, 1),
        tags=(text,),
    )
    store.begin_run(samples.run(text[:50], branch=text))
    store.save_result(
        text[:50], StageResult("sast", Status.PASSED, (finding,), summary=text, artifacts=(text,))
    )

    got = store.get_run(text[:50]).results[0].findings[0]

    expected = text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
    assert (
        got.message == expected
        and got.tags == (expected,)
        and got.location == Location(expected, 1)
    )


def test_deployments_start_in_progress_and_finish(store: Store) -> None:
    dep_id = store.add_deployment(samples.deployment())
    (recorded,) = store.deployments()
    assert recorded.id == dep_id and recorded.status is DeploymentStatus.IN_PROGRESS
    assert recorded.finished is None

    store.finish_deployment(dep_id, DeploymentStatus.ROLLED_BACK, at(2), "health check failed: 503")

    (done,) = store.deployments()
    assert done == samples.deployment(
        id=dep_id,
        status=DeploymentStatus.ROLLED_BACK,
        finished=at(2),
        detail="health check failed: 503",
    )


def test_a_finished_deployment_is_recorded_in_progress_first_then_finished(store: Store) -> None:
    history = samples.deployment(
        status=DeploymentStatus.SUCCEEDED, finished=at(1), detail="imported"
    )
    dep_id = store.add_deployment(history)
    assert store.deployments() == [replace(history, id=dep_id)]


def test_deployments_filter_newest_first(store: Store) -> None:
    a = store.add_deployment(samples.deployment(0))
    b = store.add_deployment(samples.deployment(5, environment="production"))
    c = store.add_deployment(samples.deployment(10, service="billing"))
    assert [d.id for d in store.deployments()] == [c, b, a]
    assert [d.id for d in store.deployments(service="shop")] == [b, a]
    assert [d.id for d in store.deployments(service="shop", environment="staging")] == [a]
    assert [d.id for d in store.deployments(limit=2)] == [c, b]


def test_finishing_an_unknown_deployment_is_a_user_error(store: Store) -> None:
    with pytest.raises(LockgateError, match="no deployment with id 999"):
        store.finish_deployment(999, DeploymentStatus.SUCCEEDED, at(1))


def test_incidents_round_trip_newest_first(store: Store) -> None:
    dep_id = store.add_deployment(samples.deployment())
    first = store.add_incident(samples.incident(1, cause_deployment_id=dep_id, source="pagerduty"))
    second = store.add_incident(samples.incident(9, cause_commit="abc123", service="shop"))
    store.add_incident(samples.incident(5, service="billing"))
    store.resolve_incident(first, at(30))

    got = store.incidents(service="shop")

    assert got == [
        samples.incident(9, cause_commit="abc123", id=second),
        samples.incident(
            1, cause_deployment_id=dep_id, source="pagerduty", resolved=at(30), id=first
        ),
    ]
    assert len(store.incidents()) == 3


def test_an_incident_blaming_an_unknown_deployment_is_a_user_error(store: Store) -> None:
    with pytest.raises(LockgateError, match="no deployment with id 41"):
        store.add_incident(samples.incident(cause_deployment_id=41))


def test_metric_points_round_trip_oldest_first(store: Store) -> None:
    store.begin_run(samples.run())
    store.add_metric_point("shop", "build_seconds", 61.5, "s", at(0), run_id="r1")
    store.add_metric_point("shop", "build_seconds", 58, "s", at(10))
    store.add_metric_point("shop", "coverage", 87.5, "%", at(5))
    store.add_metric_point("billing", "build_seconds", 1, "s", at(5))

    assert store.metric_points("shop", "build_seconds") == [
        MetricPoint("shop", "build_seconds", 61.5, "s", at(0), "r1"),
        MetricPoint("shop", "build_seconds", 58.0, "s", at(10), None),
    ]
    assert [p.name for p in store.metric_points("shop")] == [
        "build_seconds",
        "coverage",
        "build_seconds",
    ]
    assert [p.value for p in store.metric_points("shop", limit=1)] == [58.0]
    with pytest.raises(LockgateError, match="no run"):
        store.add_metric_point("shop", "x", 1, "", at(0), run_id="missing")


def test_orphans_of_ended_processes_are_marked_and_finished_ones_kept(
    store: Store, database_url: str
) -> None:
    store.begin_run(samples.run("mine"))
    child = (
        "import sys; from pathlib import Path; from lockgate.store import Store; "
        "from lockgate.model import RunStatus; from tests.store import samples; "
        "s = Store.open(Path(sys.argv[1]), sys.argv[2]); s.begin_run(samples.run('dead')); "
        "s.begin_run(samples.run('ok')); s.finish_run('ok', RunStatus.PASSED, samples.at(1)); "
        "s.add_deployment(samples.deployment()); s.close()"
    )
    subprocess.run(
        [sys.executable, "-c", child, ".", database_url], check=True, timeout=60, cwd=REPO
    )

    assert store.mark_orphans_interrupted() == ["dead"]
    assert store.get_run("dead").status is RunStatus.INTERRUPTED
    assert store.get_run("ok").status is RunStatus.PASSED
    assert store.get_run("mine").status is RunStatus.RUNNING  # this process is alive
    assert store.mark_orphans_interrupted() == []
    (dep,) = store.deployments()
    assert store.mark_orphan_deployments_failed() == [dep.id]
    assert store.deployments()[0].status is DeploymentStatus.FAILED
    assert store.mark_orphan_deployments_failed() == []


def test_store_is_a_context_manager(tmp_path: Path, database_url: str) -> None:
    with Store.open(tmp_path, database_url) as opened:
        opened.begin_run(samples.run())
    with Store.open(tmp_path, database_url) as reopened:
        assert [r.id for r in reopened.list_runs()] == ["r1"]


# --- what `lockgate report RUN` reads back must be what the run wrote -------------------------


def test_unchecked_items_and_integer_metrics_round_trip(store: Store) -> None:
    deps = StageResult(
        stage="deps",
        status=Status.WARNED,
        metrics=(Metric("dependencies", 31, "packages"), Metric("age", 2.5, "days")),
        summary="0 of 31 packages checked",
        unchecked=(
            Unchecked("requirements.txt", "no advisory data for PyPI", 31, "set advisory_db"),
            Unchecked("app/caf\udce9.py", "name is not UTF-8"),
        ),
    )
    store.begin_run(samples.run())
    store.save_result("r1", deps)

    (got,) = store.get_run("r1").results
    assert got.unchecked[0] == deps.unchecked[0] and got.unchecked_count == 32
    assert got.unchecked[1].what.startswith("app/caf")  # storable text, never dropped
    values = [m.value for m in got.metrics]
    assert values == [31, 2.5] and type(values[0]) is int  # 31, not 31.0, in every report


def test_results_keep_plan_order_whatever_order_stages_finish_in(store: Store) -> None:
    store.begin_run(samples.run())
    store.save_result("r1", SKIPPED, position=3)  # finished first
    store.save_result("r1", TESTS, position=1)
    store.save_result("r1", SAST, position=0)
    store.save_result("r1", A11Y, position=2)
    assert [r.stage for r in store.get_run("r1").results] == [
        "sast",
        "test",
        "accessibility",
        "load",
    ]

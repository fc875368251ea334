"""The four keys from given facts (no store, no git): failure reasons, restores, empty windows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from lockgate.metrics.dora import Facts, compute, weeks
from lockgate.metrics.links import Linker
from lockgate.metrics.model import Link, ServiceKeys, Window
from lockgate.metrics.stats import lead_summary
from lockgate.model import Deployment, DeploymentStatus, Incident

S = DeploymentStatus
MON = datetime(2026, 2, 2, tzinfo=UTC)  # a Monday
WINDOW = Window(MON, MON + timedelta(days=14))
H = 3600.0


def dep(dep_id: int, hours: float, status: S = S.SUCCEEDED, service: str = "shop") -> Deployment:
    at = MON + timedelta(hours=hours)
    finished = None if status is S.IN_PROGRESS else at
    return Deployment(
        service,
        "production",
        f"v{dep_id}",
        f"{dep_id:040x}",
        None,
        at,
        status,
        "t",
        finished,
        dep_id,
    )


def inc(hours: float, resolved_hours: float | None = None, **cause: object) -> Incident:
    opened = MON + timedelta(hours=hours)
    resolved = None if resolved_hours is None else MON + timedelta(hours=resolved_hours)
    return Incident("shop", "production", opened, resolved, title="x", **cause)  # type: ignore[arg-type]


def keys(
    deps: list[Deployment],
    incidents: Sequence[Incident] = (),
    leads: list[list[float]] | None = None,
) -> ServiceKeys:
    linker = Linker(deps, lambda sha: None)
    weekly = leads or [[] for _ in weeks(WINDOW)]
    return compute(
        Facts(
            "shop",
            WINDOW,
            tuple(deps),
            lead_summary(v for week in weekly for v in week),
            tuple(lead_summary(week) for week in weekly),
            tuple(linker.link(i) for i in incidents),
        )
    )


def test_a_rolled_back_deployment_fails_and_is_restored_by_the_rollback() -> None:
    k = keys([dep(1, 10), dep(2, 30, S.ROLLED_BACK), dep(3, 33)])
    assert k.deployment_frequency.deployments == 3
    cf = k.change_failure
    assert (cf.failures, cf.deployments, cf.rolled_back, cf.rate) == (1, 3, 1, 1 / 3)
    tr = k.time_to_restore
    assert (tr.stats.count, tr.stats.median, tr.from_deployments) == (1, 3 * H, 1)


def test_a_failed_deployment_with_no_healthy_one_since_is_unrestored() -> None:
    k = keys([dep(1, 10), dep(2, 30, S.FAILED)])
    assert k.deployment_frequency.deployments == 1  # a failed deployment never went live
    assert (k.change_failure.failures, k.change_failure.deployments) == (1, 2)
    assert k.time_to_restore.unrestored == 1
    assert k.time_to_restore.stats.median is None


def test_a_failed_deployment_with_an_incident_counts_the_incident_only() -> None:
    k = keys([dep(1, 10), dep(2, 30, S.FAILED), dep(3, 40)], [inc(31, 35, cause_deployment_id=2)])
    tr = k.time_to_restore
    assert (tr.from_incidents, tr.from_deployments, tr.stats.median) == (1, 0, 4 * H)
    assert k.change_failure.failures == 1  # failed, and its incident does not count it twice


def test_an_incident_without_cause_fails_the_last_live_deployment_before_it() -> None:
    deployments = [dep(1, 10), dep(2, 20, S.FAILED), dep(3, 30), dep(4, 50)]
    linker = Linker(deployments, lambda sha: None)
    assert linker.link(inc(40)).deployment_id == 3
    assert linker.link(inc(40)).link is Link.LAST_BEFORE
    assert linker.link(inc(30)).deployment_id == 3  # went live at the very moment it opened
    assert linker.link(inc(5)).link is Link.NONE
    k = keys(deployments, [inc(40, 41)])
    assert k.change_failure.caused_incident == 1 and k.change_failure.failed == 1


def test_in_progress_deployments_are_not_counted_but_said() -> None:
    k = keys([dep(1, 10), dep(2, 20, S.IN_PROGRESS)])
    assert k.deployment_frequency.deployments == 1
    assert k.change_failure.deployments == 1
    [note] = k.warnings
    assert note.what == "production deployments still in progress" and note.count == 1


def test_an_incident_resolved_before_it_opened_is_left_out_and_said() -> None:
    k = keys([dep(1, 10)], [inc(20, 19), inc(30, 32)])
    assert k.time_to_restore.stats.count == 1 and k.time_to_restore.stats.median == 2 * H
    assert any(w.what == "incidents resolved before they opened" for w in k.warnings)


def test_an_incident_naming_another_services_deployment_is_tied_to_none() -> None:
    other = dep(9, 5, service="billing")
    k = keys([dep(1, 10)], [inc(20, 21, cause_deployment_id=other.id)])
    assert k.change_failure.failures == 0
    assert any(w.what == "incidents tied to no deployment" for w in k.warnings)


def test_an_empty_window_has_no_values_rather_than_zeros() -> None:
    k = keys([dep(1, -100)])
    assert k.deployment_frequency.deployments == 0
    assert k.deployment_frequency.days_between is None
    assert k.change_failure.rate is None
    assert k.lead_time.stats.median is None and k.time_to_restore.stats.median is None
    assert all(b.level is None for bands in k.bands.values() for b in bands)


def test_weeks_start_on_monday_and_are_clipped_to_the_window() -> None:
    window = Window(datetime(2026, 2, 4, 12, tzinfo=UTC), datetime(2026, 2, 17, tzinfo=UTC))
    assert [(w.since.isoformat(), w.until.isoformat()) for w in weeks(window)] == [
        ("2026-02-04T12:00:00+00:00", "2026-02-09T00:00:00+00:00"),
        ("2026-02-09T00:00:00+00:00", "2026-02-16T00:00:00+00:00"),
        ("2026-02-16T00:00:00+00:00", "2026-02-17T00:00:00+00:00"),
    ]


def test_lead_times_of_zero_or_less_are_left_out_and_counted() -> None:
    k = keys([dep(1, 10)], leads=[[-5.0, 0.0, 10.0, 30.0], [20.0]])
    assert k.lead_time.excluded_nonpositive == 2
    assert (k.lead_time.stats.count, k.lead_time.stats.median) == (3, 20.0)
    assert [w.lead_time_median for w in k.weekly] == [20.0, 20.0]

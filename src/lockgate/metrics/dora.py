"""The four keys of one service over one window, from facts already gathered (pure; no store, no git).

- Deployment frequency: production deployments that went live in the window (succeeded, or
  succeeded and later rolled back).
- Lead time for changes: deployed at - committer date of each commit those deployments shipped
  first (lockgate.metrics.changes); zero or less is left out and counted.
- Change failure rate: of the production deployments in the window (live ones and failed ones),
  those that failed (health check or deploy), were rolled back, or caused an incident.
- Time to restore: incident opened → resolved; for a failed or rolled-back deployment with no
  incident, the moment it failed (or went live) → the next succeeded production deployment.
Medians and p90 as lockgate.metrics.stats defines them; weeks start on Monday 00:00 UTC.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from lockgate.metrics.bands import every_year
from lockgate.metrics.changes import deployed_at
from lockgate.metrics.links import Linked
from lockgate.metrics.model import (
    LIVE,
    ChangeFailure,
    DeploymentFrequency,
    FailureReason,
    Key,
    LeadSummary,
    LeadTime,
    Link,
    ServiceKeys,
    Stats,
    TimeToRestore,
    Week,
    Window,
)
from lockgate.metrics.stats import median, summarise
from lockgate.model import Deployment, DeploymentStatus, Unchecked


@dataclass(frozen=True)
class Facts:
    """Everything the four keys of one service stand on."""

    service: str
    window: Window
    deployments: tuple[Deployment, ...]  # its production deployments, all time, oldest first
    lead: LeadSummary  # lead times (s) of the changes deployed in the window
    weekly_leads: tuple[LeadSummary, ...]  # the same per span of weeks(window)
    incidents: tuple[Linked, ...]  # its production incidents, linked to a deployment
    warnings: tuple[Unchecked, ...] = ()


def weeks(window: Window) -> list[Window]:
    """The window cut at each Monday 00:00 UTC."""
    monday = window.since.date() - timedelta(days=window.since.weekday())
    edge = datetime.combine(monday, time(0), tzinfo=window.since.tzinfo)
    spans: list[Window] = []
    while edge < window.until:
        nxt = edge + timedelta(days=7)
        spans.append(Window(max(edge, window.since), min(nxt, window.until)))
        edge = nxt
    return spans


def compute(facts: Facts) -> ServiceKeys:
    w = facts.window
    inside = [d for d in facts.deployments if w.holds(deployed_at(d))]
    live = [d for d in inside if d.status in LIVE]
    failed = [d for d in inside if d.status is DeploymentStatus.FAILED]
    caused = {x.deployment_id for x in facts.incidents if x.deployment_id is not None}
    reasons = _failures(live + failed, caused)
    restores, restore_notes = _restores(facts, caused)
    spans = weeks(w)
    lead = LeadTime(Stats(facts.lead.count, facts.lead.median, facts.lead.p90), facts.lead.excluded)
    frequency = DeploymentFrequency(
        len(live), len(live) / (w.days / 7), w.days / len(live) if live else None
    )
    failure = _change_failure(reasons, len(live) + len(failed))
    restore = TimeToRestore(
        summarise(r.seconds for r in restores if r.seconds is not None),
        sum(1 for r in restores if r.source == "incident" and r.seconds is not None),
        sum(1 for r in restores if r.source == "deployment" and r.seconds is not None),
        sum(1 for r in restores if r.seconds is None),
    )
    weekly = _weekly(spans, inside, reasons, facts.weekly_leads, restores)
    return ServiceKeys(
        service=facts.service,
        window=w,
        deployment_frequency=frequency,
        lead_time=lead,
        change_failure=failure,
        time_to_restore=restore,
        weekly=weekly,
        bands={
            Key.DEPLOYMENT_FREQUENCY: every_year(Key.DEPLOYMENT_FREQUENCY, frequency.days_between),
            Key.LEAD_TIME: every_year(Key.LEAD_TIME, lead.stats.median),
            Key.CHANGE_FAILURE_RATE: every_year(Key.CHANGE_FAILURE_RATE, failure.rate),
            Key.TIME_TO_RESTORE: every_year(Key.TIME_TO_RESTORE, restore.stats.median),
        },
        warnings=facts.warnings + _in_progress(inside) + restore_notes,
    )


def _failures(deployments: Sequence[Deployment], caused: set[int]) -> dict[int, FailureReason]:
    reasons: dict[int, FailureReason] = {}
    for d in deployments:
        assert d.id is not None
        if d.status is DeploymentStatus.FAILED:
            reasons[d.id] = FailureReason.FAILED
        elif d.status is DeploymentStatus.ROLLED_BACK:
            reasons[d.id] = FailureReason.ROLLED_BACK
        elif d.id in caused:
            reasons[d.id] = FailureReason.INCIDENT
    return reasons


def _change_failure(reasons: dict[int, FailureReason], attempts: int) -> ChangeFailure:
    counts = {r: 0 for r in FailureReason}
    for reason in reasons.values():
        counts[reason] += 1
    return ChangeFailure(
        failures=len(reasons),
        deployments=attempts,
        rate=len(reasons) / attempts if attempts else None,
        failed=counts[FailureReason.FAILED],
        rolled_back=counts[FailureReason.ROLLED_BACK],
        caused_incident=counts[FailureReason.INCIDENT],
    )


@dataclass(frozen=True)
class _Event:
    start: datetime
    seconds: float | None
    source: str  # incident | deployment


def _restores(facts: Facts, caused: set[int]) -> tuple[list[_Event], tuple[Unchecked, ...]]:
    w = facts.window
    events: list[_Event] = []
    backwards = 0
    for linked in facts.incidents:
        inc = linked.incident
        if not w.holds(inc.opened):
            continue
        if inc.resolved is not None and inc.resolved < inc.opened:
            backwards += 1
            continue
        seconds = None if inc.resolved is None else (inc.resolved - inc.opened).total_seconds()
        events.append(_Event(inc.opened, seconds, "incident"))
    healthy = [deployed_at(d) for d in facts.deployments if d.status is DeploymentStatus.SUCCEEDED]
    for d in facts.deployments:
        bad = d.status in (DeploymentStatus.FAILED, DeploymentStatus.ROLLED_BACK)
        start = deployed_at(d)
        if not bad or d.id in caused or not w.holds(start):
            continue
        at = bisect.bisect_right(healthy, start)
        seconds = (healthy[at] - start).total_seconds() if at < len(healthy) else None
        events.append(_Event(start, seconds, "deployment"))
    notes: list[Unchecked] = []
    if backwards:
        notes.append(
            Unchecked(
                "incidents resolved before they opened",
                "left out of time to restore",
                backwards,
                "correct their times (the store holds them from an import or the API)",
            )
        )
    unlinked = [
        x for x in facts.incidents if w.holds(x.incident.opened) and x.deployment_id is None
    ]
    if unlinked:
        notes.append(_unlinked(unlinked))
    return events, tuple(notes)


def _unlinked(unlinked: Sequence[Linked]) -> Unchecked:
    kinds = {x.link for x in unlinked}
    why = {
        Link.STATED: "the deployment they name is not a production deployment of this service",
        Link.COMMIT: "the commit they name never reached production (as far as the store knows)",
        Link.NONE: "no production deployment went live before they opened",
        Link.LAST_BEFORE: "",
    }
    return Unchecked(
        "incidents tied to no deployment",
        "; ".join(why[k] for k in sorted(kinds)) + ": they count for time to restore only",
        len(unlinked),
        "give the cause: lockgate incident open --cause DEPLOYMENT_ID|SHA (or import history first)",
    )


def _in_progress(inside: Sequence[Deployment]) -> tuple[Unchecked, ...]:
    pending = sum(1 for d in inside if d.status is DeploymentStatus.IN_PROGRESS)
    if not pending:
        return ()
    return (
        Unchecked(
            "production deployments still in progress",
            "not counted until they finish (a crashed one is marked failed by the next deploy)",
            pending,
            "let them finish, or run `lockgate deploy production` again to close orphans",
        ),
    )


def _weekly(
    spans: Sequence[Window],
    inside: Sequence[Deployment],
    reasons: dict[int, FailureReason],
    leads: Sequence[LeadSummary],
    restores: Sequence[_Event],
) -> tuple[Week, ...]:
    starts = [s.since for s in spans]
    deps: list[list[Deployment]] = [[] for _ in spans]
    for d in inside:
        if d.status is not DeploymentStatus.IN_PROGRESS:
            deps[bisect.bisect_right(starts, deployed_at(d)) - 1].append(d)
    restored: list[list[float]] = [[] for _ in spans]
    for r in restores:
        if r.seconds is not None:
            restored[bisect.bisect_right(starts, r.start) - 1].append(r.seconds)
    return tuple(
        _week(span, here, reasons, week_leads, sorted(done))
        for span, here, week_leads, done in zip(spans, deps, leads, restored, strict=True)
    )


def _week(
    span: Window,
    here: Sequence[Deployment],
    reasons: dict[int, FailureReason],
    lead: LeadSummary,
    restored: list[float],
) -> Week:
    failures = sum(1 for d in here if d.id in reasons)
    return Week(
        since=span.since,
        until=span.until,
        deployments=sum(1 for d in here if d.status in LIVE),
        lead_time_median=lead.median,
        change_failure_rate=failures / len(here) if here else None,
        time_to_restore_median=median(restored),
    )

"""Frozen values of the delivery metrics: the window, the four keys, their bands, weekly series."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from lockgate.model import DeploymentStatus, Unchecked

PRODUCTION = "production"  # the environment the four keys are about (lockgate.deploy's name too)
LIVE = (DeploymentStatus.SUCCEEDED, DeploymentStatus.ROLLED_BACK)  # went live in production
DEFAULT_DAYS = 90


class Key(enum.StrEnum):
    DEPLOYMENT_FREQUENCY = "deployment_frequency"
    LEAD_TIME = "lead_time"
    CHANGE_FAILURE_RATE = "change_failure_rate"
    TIME_TO_RESTORE = "time_to_restore"


class ChangeSetState(enum.StrEnum):
    """How the commits a production deployment shipped were read from git."""

    COMPLETE = "complete"
    FIRST = "first"  # no earlier production deployment to compare with
    NO_COMMIT = "no_commit"  # the deployment names no commit
    MISSING_COMMIT = "missing_commit"  # its commit is not in this clone
    MISSING_PREVIOUS = "missing_previous"  # the previous deployment's commit is unknown here
    TRUNCATED = "truncated"  # the range reaches the boundary of a shallow clone


class Link(enum.StrEnum):
    """How an incident was tied to the production deployment that caused it."""

    STATED = "stated"  # --cause DEPLOYMENT_ID
    COMMIT = "commit"  # --cause SHA: the deployment that first shipped that commit
    LAST_BEFORE = "last_before"  # no cause: the last live production deployment before it opened
    NONE = "none"  # nothing to tie it to


class FailureReason(enum.StrEnum):
    FAILED = "failed"  # the deployment failed (its health check, or the deploy itself)
    ROLLED_BACK = "rolled_back"
    INCIDENT = "incident"  # it caused an incident


@dataclass(frozen=True)
class Window:
    """[since, until): the period the keys are computed over."""

    since: datetime
    until: datetime

    @property
    def days(self) -> float:
        return (self.until - self.since).total_seconds() / 86400

    def holds(self, when: datetime) -> bool:
        return self.since <= when < self.until

    @classmethod
    def ending(cls, until: datetime, days: int = DEFAULT_DAYS) -> Window:
        return cls(until - timedelta(days=days), until)


@dataclass(frozen=True)
class Stats:
    """Count, median and 90th percentile (nearest rank) of some values; None when there are none."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class LeadSummary:
    """Lead times of some changes: those above zero counted and summarised, the rest counted."""

    count: int
    excluded: int  # lead time zero or less
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Band:
    """Where a value falls among one DORA report year's performance levels."""

    year: int
    level: str | None  # elite | high | medium | low; None: the value falls in none of them
    report_text: str  # the report's own words for that level (or why there is none)
    source: str


@dataclass(frozen=True)
class DeploymentFrequency:
    deployments: int  # went live in production in the window (succeeded or later rolled back)
    per_week: float
    days_between: float | None  # window days / deployments


@dataclass(frozen=True)
class LeadTime:
    stats: Stats  # seconds, over changes with a lead time above zero
    excluded_nonpositive: int  # changes whose lead time was zero or less (left out)


@dataclass(frozen=True)
class ChangeFailure:
    failures: int
    deployments: int  # attempts: live deployments plus failed ones
    rate: float | None  # failures / deployments
    failed: int  # of which: failed deployments
    rolled_back: int  # rolled back
    caused_incident: int  # live, not rolled back, but caused an incident


@dataclass(frozen=True)
class TimeToRestore:
    stats: Stats  # seconds, over the restores below
    from_incidents: int  # resolved incidents
    from_deployments: int  # failed or rolled-back deployments (no incident) healthy again since
    unrestored: int  # incidents still open, failures with no healthy deployment since


@dataclass(frozen=True)
class Week:
    """One week of the series (Monday 00:00 UTC), clipped to the window."""

    since: datetime
    until: datetime
    deployments: int
    lead_time_median: float | None
    change_failure_rate: float | None
    time_to_restore_median: float | None


@dataclass(frozen=True)
class ServiceKeys:
    """The four keys of one service over one window, with bands, weekly series and warnings."""

    service: str
    window: Window
    deployment_frequency: DeploymentFrequency
    lead_time: LeadTime
    change_failure: ChangeFailure
    time_to_restore: TimeToRestore
    weekly: tuple[Week, ...]
    bands: dict[Key, tuple[Band, ...]]  # every report year, oldest first
    warnings: tuple[Unchecked, ...]

"""Values between the load engine's parts: the scenario, the run's bounds, the measured numbers."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from lockgate.model import Unchecked


class ScenarioSource(enum.StrEnum):
    """Where the traffic's shape came from, in the order lockgate looks for one."""

    CONFIG = "config"  # [[stages.load.scenario]] entries
    OPENAPI = "openapi"  # every GET endpoint of the service's OpenAPI document
    LOCUSTFILE = "locustfile"  # the project's own locustfile.py


class Method(enum.StrEnum):
    GET = "GET"
    HEAD = "HEAD"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"
    OPTIONS = "OPTIONS"


@dataclass(frozen=True)
class Request:
    """One weighted request of a scenario; `path` is relative to the target URL."""

    method: Method
    path: str
    weight: int = 1
    body: str | None = None  # sent as is
    json: str | None = None  # a JSON document, sent with Content-Type: application/json
    headers: tuple[tuple[str, str], ...] = ()
    name: str | None = None  # groups requests in the stats (default: the path)


@dataclass(frozen=True)
class Scenario:
    source: ScenarioSource
    origin: str  # what it came from, for the summary: "lockgate.toml", "openapi.json", ...
    requests: tuple[Request, ...] = ()  # empty for a project locustfile
    locustfile: Path | None = None  # the project's own, run as is
    unchecked: tuple[Unchecked, ...] = ()  # endpoints left out (no example for a parameter, ...)


@dataclass(frozen=True)
class Bounds:
    """How much traffic one run may make: it stops by itself at the first bound reached."""

    users: int
    spawn_rate: float
    duration: int  # seconds
    max_requests: int


@dataclass(frozen=True)
class Topology:
    """Where Locust runs: one process, `workers` local processes under a loopback master, or a
    master at `master` that the team's own workers join (`workers` = how many it waits for)."""

    workers: int = 0
    master: tuple[str, int] | None = None
    wait_for_workers: int = 60  # seconds a master waits for its workers


@dataclass(frozen=True)
class Thresholds:
    """Limits the gate holds the run to; None = not checked."""

    p95_ms: float | None = None
    p99_ms: float | None = None
    max_error_rate: float | None = None  # percent of requests
    min_rps: float | None = None


@dataclass(frozen=True)
class Point:
    """One second of the run (Locust's stats history, all requests together)."""

    time: float  # seconds since the first point
    users: int
    rps: float
    failures_per_s: float
    p50_ms: float | None
    p95_ms: float | None


@dataclass(frozen=True)
class Summary:
    """The run's headline numbers (all requests together) and its timeline."""

    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    timeline: tuple[Point, ...] = ()

    @property
    def error_rate(self) -> float:
        """Failed requests in percent of all requests."""
        return 100.0 * self.failures / self.requests if self.requests else 0.0


@dataclass(frozen=True)
class Breach:
    """A threshold the run did not meet: the number, the limit and the key that set it."""

    key: str  # "p95_ms", "p99_ms", "max_error_rate", "min_rps"
    measured: float
    limit: float
    text: str  # e.g. "p95 latency 812 ms is above p95_ms = 200 ms"


@dataclass(frozen=True)
class Outcome:
    """What one Locust run left: its numbers, the files it wrote, what the guard saw."""

    summary: Summary
    artifacts: tuple[Path, ...]
    foreign_urls: tuple[str, ...] = ()  # requests the locustfile sent somewhere else
    hit_request_limit: bool = False

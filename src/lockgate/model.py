"""Frozen values shared by every layer: severities, findings, stage results, runs, deployments."""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any


class Severity(enum.StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: info=0 … critical=4."""
        return _SEVERITY_RANK[self]

    def at_least(self, threshold: Severity) -> bool:
        return self.rank >= threshold.rank


_SEVERITY_RANK = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}


class Status(enum.StrEnum):
    """Outcome of one stage."""

    PASSED = "passed"
    FAILED = "failed"
    WARNED = "warned"
    SKIPPED = "skipped"
    ERROR = "error"


class FindingState(enum.StrEnum):
    """What the gate policy decided about one finding."""

    OPEN = "open"  # fails the gate
    BELOW_THRESHOLD = "below_threshold"  # severity under the stage's fail_on
    KNOWN = "known"  # in the baseline (new_only gating)
    SUPPRESSED = "suppressed"  # suppressed in config, with a reason and an expiry


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    INTERRUPTED = "interrupted"


class DeploymentStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"


@dataclass(frozen=True)
class Location:
    path: str  # relative to the project root, forward slashes
    start_line: int | None = None
    start_col: int | None = None
    end_line: int | None = None
    end_col: int | None = None


_WS = re.compile(r"\s+")


def fingerprint(rule_id: str, path: str, snippet: str) -> str:
    """Stable id of a finding: rule + path + whitespace-normalised snippet (no line numbers)."""
    normalised = _WS.sub(" ", snippet).strip()
    text = f"{rule_id}\0{path}\0{normalised}"
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:20]


@dataclass(frozen=True)
class Finding:
    stage: str
    tool: str
    rule_id: str
    message: str
    severity: Severity
    fingerprint: str
    location: Location | None = None
    url: str | None = None
    selector: str | None = None
    help_uri: str | None = None
    help_text: str | None = None
    tags: tuple[str, ...] = ()
    state: FindingState = FindingState.OPEN
    state_reason: str | None = None

    @property
    def where(self) -> str:
        if self.location is not None:
            line = f":{self.location.start_line}" if self.location.start_line else ""
            return f"{self.location.path}{line}"
        if self.url is not None:
            return f"{self.url} {self.selector or ''}".strip()
        return ""


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    unit: str = ""


@dataclass(frozen=True)
class TestCase:
    """One test the project's own test suite ran."""

    __test__ = False  # not a pytest class

    classname: str
    name: str
    outcome: str  # passed | failed | error | skipped
    duration: float = 0.0
    message: str | None = None


@dataclass(frozen=True)
class Unchecked:
    """Something a stage could not check: named, counted, with why and how to fix it.

    A stage that leaves anything unchecked is never plainly "passed": the run verdict, every
    report and the exit code (with `fail_on_unchecked`) say so. `what` names the thing (a file, a
    package, an engine, a git range); `count` is how many items it stands for (e.g. 31 packages).
    """

    what: str
    reason: str
    count: int = 1
    fix: str = ""


@dataclass(frozen=True)
class StageResult:
    stage: str
    status: Status
    findings: tuple[Finding, ...] = ()
    metrics: tuple[Metric, ...] = ()
    artifacts: tuple[str, ...] = ()  # paths relative to the report dir's stage folder or absolute
    duration: float = 0.0
    tool_versions: tuple[tuple[str, str], ...] = ()
    cached: bool = False
    summary: str = ""  # one line: why it passed/failed/was skipped
    test_cases: tuple[TestCase, ...] = ()
    unchecked: tuple[Unchecked, ...] = ()  # what the stage could not check (never silently clean)

    def with_(self, **changes: Any) -> StageResult:
        return replace(self, **changes)

    @property
    def unchecked_count(self) -> int:
        return sum(u.count for u in self.unchecked)

    @property
    def open_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.state is FindingState.OPEN)


@dataclass(frozen=True)
class Run:
    id: str
    project: str
    started: datetime
    status: RunStatus
    finished: datetime | None = None
    branch: str | None = None
    commit: str | None = None
    results: tuple[StageResult, ...] = ()
    project_key: str | None = None  # stable identity (lockgate.identity); None: recorded before it


@dataclass(frozen=True)
class Deployment:
    service: str
    environment: str
    version: str
    commit: str | None
    image_digest: str | None
    started: datetime
    status: DeploymentStatus
    triggered_by: str
    finished: datetime | None = None
    id: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class Incident:
    service: str
    environment: str
    opened: datetime
    resolved: datetime | None = None
    cause_deployment_id: int | None = None
    cause_commit: str | None = None
    source: str = "manual"
    id: int | None = None
    title: str = ""


# --- plain-data conversion (cache, JSON report, store) -------------------------------------


def result_to_dict(result: StageResult) -> dict[str, Any]:
    return asdict(result)


def result_from_dict(data: dict[str, Any]) -> StageResult:
    """Inverse of result_to_dict; raises KeyError/ValueError/TypeError on malformed data."""
    findings = tuple(_finding_from_dict(f) for f in data["findings"])
    return StageResult(
        stage=data["stage"],
        status=Status(data["status"]),
        findings=findings,
        metrics=tuple(Metric(**m) for m in data["metrics"]),
        artifacts=tuple(data["artifacts"]),
        duration=float(data["duration"]),
        tool_versions=tuple((str(k), str(v)) for k, v in data["tool_versions"]),
        cached=bool(data["cached"]),
        summary=str(data.get("summary", "")),
        test_cases=tuple(TestCase(**t) for t in data.get("test_cases", ())),
        unchecked=tuple(Unchecked(**u) for u in data.get("unchecked", ())),
    )


def _finding_from_dict(data: dict[str, Any]) -> Finding:
    known = {f.name for f in fields(Finding)}
    values = {k: v for k, v in data.items() if k in known}
    loc = values.get("location")
    values["location"] = Location(**loc) if loc else None
    values["severity"] = Severity(values["severity"])
    values["state"] = FindingState(values.get("state", "open"))
    values["tags"] = tuple(values.get("tags", ()))
    return Finding(**values)


__all__ = [
    "Deployment",
    "DeploymentStatus",
    "Finding",
    "FindingState",
    "Incident",
    "Location",
    "Metric",
    "Run",
    "RunStatus",
    "Severity",
    "StageResult",
    "Status",
    "TestCase",
    "Unchecked",
    "fingerprint",
    "result_from_dict",
    "result_to_dict",
]

"""The store's tables as SQLAlchemy 2 declarative classes; change them only together with a migration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def clean_text(value: str) -> str:
    """Make a string storable on every backend: NUL and lone surrogates become U+FFFD / '?'."""
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


class SafeText(sa.TypeDecorator[str]):
    """Text that never makes a driver choke on hostile content (PostgreSQL rejects NUL bytes)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else clean_text(value)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes in and out, on SQLite (naive text) and PostgreSQL (timestamptz)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to the store; use UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {str: SafeText(), datetime: UTCDateTime()}


class Owner:
    """Columns naming the process that writes a row, so its orphans can be found after a crash."""

    host: Mapped[str] = mapped_column(default="")
    pid: Mapped[int | None]
    process_start: Mapped[str | None]  # "<boot id>:<start ticks>" from /proc, or None


class RunRow(Owner, Base):
    __tablename__ = "runs"
    __table_args__ = (
        sa.Index(None, "project", "started"),
        sa.Index(None, "project", "branch", "status", "started"),
        sa.Index(None, "status"),
        sa.Index("ix_runs_project_key_started", "project_key", "started"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    project: Mapped[str]
    project_key: Mapped[str | None]  # stable identity: configured id, else git remote, else name
    branch: Mapped[str | None]
    commit_sha: Mapped[str | None]
    status: Mapped[str] = mapped_column(sa.String(16))
    started: Mapped[datetime]
    finished: Mapped[datetime | None]


def _run_fk() -> sa.ForeignKey:
    return sa.ForeignKey("runs.id", ondelete="CASCADE")


class StageResultRow(Base):
    __tablename__ = "stage_results"
    __table_args__ = (sa.UniqueConstraint("run_id", "stage"),)  # also the index on run_id

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(_run_fk())
    position: Mapped[int]
    stage: Mapped[str]
    status: Mapped[str] = mapped_column(sa.String(16))
    duration: Mapped[float]
    cached: Mapped[bool]
    summary: Mapped[str]
    metrics: Mapped[list[Any]] = mapped_column(sa.JSON)  # [[name, value, unit], ...]
    artifacts: Mapped[list[Any]] = mapped_column(sa.JSON)  # [path, ...]
    tool_versions: Mapped[list[Any]] = mapped_column(sa.JSON)  # [[tool, version], ...]
    unchecked: Mapped[list[Any]] = mapped_column(  # [{what, reason, count, fix}, ...]
        sa.JSON, server_default=sa.text("'[]'")
    )


def _result_fk() -> sa.ForeignKey:
    return sa.ForeignKey("stage_results.id", ondelete="CASCADE")


class FindingRow(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_result_id: Mapped[int] = mapped_column(_result_fk(), index=True)
    run_id: Mapped[str] = mapped_column(_run_fk(), index=True)
    position: Mapped[int]
    stage: Mapped[str]
    tool: Mapped[str]
    rule_id: Mapped[str]
    message: Mapped[str]
    severity: Mapped[str] = mapped_column(sa.String(16))
    fingerprint: Mapped[str] = mapped_column(index=True)
    path: Mapped[str | None]  # None: the finding has no file location
    start_line: Mapped[int | None]
    start_col: Mapped[int | None]
    end_line: Mapped[int | None]
    end_col: Mapped[int | None]
    url: Mapped[str | None]
    selector: Mapped[str | None]
    help_uri: Mapped[str | None]
    help_text: Mapped[str | None]
    tags: Mapped[list[Any]] = mapped_column(sa.JSON)
    state: Mapped[str] = mapped_column(sa.String(24))
    state_reason: Mapped[str | None]


class TestCaseRow(Base):
    __tablename__ = "test_cases"
    __test__ = False  # not a pytest class

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_result_id: Mapped[int] = mapped_column(_result_fk(), index=True)
    run_id: Mapped[str] = mapped_column(_run_fk(), index=True)
    position: Mapped[int]
    classname: Mapped[str]
    name: Mapped[str]
    outcome: Mapped[str] = mapped_column(sa.String(16))
    duration: Mapped[float]
    message: Mapped[str | None]


class DeploymentRow(Owner, Base):
    __tablename__ = "deployments"
    __table_args__ = (
        sa.Index(None, "service", "environment", "started"),
        sa.Index(None, "status"),
        sa.Index(None, "service", "import_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service: Mapped[str]
    environment: Mapped[str]
    version: Mapped[str]
    commit_sha: Mapped[str | None]
    image_digest: Mapped[str | None]
    started: Mapped[datetime]
    finished: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(sa.String(16))
    triggered_by: Mapped[str]
    detail: Mapped[str]
    import_key: Mapped[str | None]  # imported history: "git-tag:v1.2", "file:<id>" (no duplicates)


class IncidentRow(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        sa.Index(None, "service", "opened"),
        sa.Index(None, "service", "import_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service: Mapped[str]
    environment: Mapped[str]
    opened: Mapped[datetime]
    resolved: Mapped[datetime | None]
    cause_deployment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("deployments.id", ondelete="SET NULL")
    )
    cause_commit: Mapped[str | None]
    source: Mapped[str]
    title: Mapped[str] = mapped_column(server_default=sa.text("''"))
    import_key: Mapped[str | None]


def _deployment_fk() -> sa.ForeignKey:
    return sa.ForeignKey("deployments.id", ondelete="CASCADE")


class ChangeSetRow(Base):
    """How the commits a production deployment shipped were read from git (lockgate.metrics)."""

    __tablename__ = "change_sets"

    deployment_id: Mapped[int] = mapped_column(_deployment_fk(), primary_key=True)
    service: Mapped[str] = mapped_column(index=True)
    basis: Mapped[str]  # digest of the deployments before this one; changed = read again
    state: Mapped[str] = mapped_column(sa.String(24))
    detail: Mapped[str]
    commits: Mapped[int]  # changes stored for it
    squash_unresolved: Mapped[int]  # squash merges whose pull-request commits git did not have
    computed_at: Mapped[datetime]


class ChangeRow(Base):
    """One commit a production deployment shipped first, with its lead time."""

    __tablename__ = "changes"
    __table_args__ = (
        sa.Index(None, "service", "deployed_at", "lead_seconds"),  # covering: lead-time medians
        sa.Index(None, "service", "commit_sha"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(_deployment_fk(), index=True)
    service: Mapped[str]
    commit_sha: Mapped[str]
    committed_at: Mapped[datetime]
    deployed_at: Mapped[datetime]
    lead_seconds: Mapped[float]
    source: Mapped[str] = mapped_column(sa.String(16))  # commit | pull_request


class MetricPointRow(Base):
    __tablename__ = "metric_points"
    __table_args__ = (sa.Index(None, "project", "name", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project: Mapped[str]
    name: Mapped[str]
    value: Mapped[float]
    unit: Mapped[str]
    at: Mapped[datetime]
    run_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("runs.id", ondelete="SET NULL"), index=True
    )


runs = cast(sa.Table, RunRow.__table__)
stage_results = cast(sa.Table, StageResultRow.__table__)
findings = cast(sa.Table, FindingRow.__table__)
test_cases = cast(sa.Table, TestCaseRow.__table__)
deployments = cast(sa.Table, DeploymentRow.__table__)
incidents = cast(sa.Table, IncidentRow.__table__)
metric_points = cast(sa.Table, MetricPointRow.__table__)
change_sets = cast(sa.Table, ChangeSetRow.__table__)
changes = cast(sa.Table, ChangeRow.__table__)

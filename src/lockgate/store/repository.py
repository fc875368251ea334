"""The run store: runs, stage results, deployments, incidents and metric points; one transaction per write."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlalchemy as sa

from lockgate.errors import LockgateError
from lockgate.model import (
    Deployment,
    DeploymentStatus,
    Finding,
    FindingState,
    Incident,
    Location,
    Metric,
    Run,
    RunStatus,
    Severity,
    StageResult,
    Status,
    TestCase,
    Unchecked,
)
from lockgate.store import database, delivery, liveness, migrate
from lockgate.store.schema import (
    clean_text,
    deployments,
    findings,
    incidents,
    metric_points,
    runs,
    stage_results,
    test_cases,
)


@dataclass(frozen=True)
class MetricPoint:
    project: str
    name: str
    value: float
    unit: str
    at: datetime
    run_id: str | None = None


class Store:
    """Open with `Store.open(project_root)`; every method is one short transaction."""

    def __init__(self, engine: sa.Engine, target: database.Target) -> None:
        self._engine = engine
        self._target = target

    @classmethod
    def open(cls, project_root: Path, url: str | None = None) -> Store:
        """url: explicit > $LOCKGATE_DATABASE_URL > `<project_root>/.lockgate/lockgate.db`."""
        _check_project_root(project_root)
        target = database.resolve(project_root, url)
        engine = database.create_engine(target)
        try:
            with database.connect(engine, target, write=False) as conn:
                current = migrate.is_current(conn)
            if not current:
                with database.connect(engine, target, write=True) as conn:
                    migrate.upgrade(conn, target)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, target)

    @classmethod
    def open_existing(cls, project_root: Path, url: str | None = None) -> Store | None:
        """Like `open`, for commands that only read: None, and nothing created, when the SQLite
        store of a project that has never run does not exist yet."""
        _check_project_root(project_root)
        target = database.resolve(project_root, url)
        if target.sqlite_path is not None and not target.sqlite_path.exists():
            return None
        return cls.open(project_root, url)

    @property
    def where(self) -> str:
        """Where the store lives, safe to print (a file path, or host:port/db without password)."""
        return self._target.label

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with database.connect(self._engine, self._target, write=True) as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with database.connect(self._engine, self._target, write=False) as conn:
            yield conn

    # --- runs ---------------------------------------------------------------------------------

    def begin_run(self, run: Run) -> None:
        """Record `run` as RUNNING, owned by this host and process."""
        row = _run_row(run) | _owner_row(liveness.me()) | {"status": RunStatus.RUNNING.value}
        try:
            with self._write() as conn:
                conn.execute(sa.insert(runs).values(row))
        except database.Conflict:
            raise LockgateError(f"a run with id {run.id!r} is already in the store") from None

    def save_run(self, run: Run) -> None:
        """Record a finished run with all its results at once (e.g. one received from CI)."""
        with self._write() as conn:
            conn.execute(sa.insert(runs).values(_run_row(run) | {"host": ""}))
            for position, result in enumerate(run.results):
                _insert_result(conn, run.id, position, result)

    def save_result(self, run_id: str, result: StageResult, position: int | None = None) -> None:
        """Store a stage result with its findings and test cases; replaces one of the same stage.

        `position`: its place in the run (the plan order, whatever order stages finish in);
        default: where a result of that stage already is, else after the last one.
        """
        with self._write() as conn:
            _require(conn, runs, run_id)
            old = conn.execute(
                sa.select(stage_results.c.id, stage_results.c.position).where(
                    stage_results.c.run_id == run_id, stage_results.c.stage == result.stage
                )
            ).first()
            if old is not None:
                conn.execute(sa.delete(stage_results).where(stage_results.c.id == old.id))
            if position is None:
                position = old.position if old is not None else _next_position(conn, run_id)
            _insert_result(conn, run_id, position, result)

    def finish_run(self, run_id: str, status: RunStatus, finished: datetime) -> None:
        with self._write() as conn:
            done = conn.execute(
                sa.update(runs)
                .where(runs.c.id == run_id)
                .values(status=status.value, finished=finished)
            )
            if done.rowcount == 0:
                raise unknown_run(run_id)

    def mark_orphans_interrupted(self) -> list[str]:
        """Mark RUNNING runs whose process (on this host) is gone as INTERRUPTED; returns their ids."""
        return [str(i) for i in self._mark_orphans(runs, RunStatus.RUNNING, RunStatus.INTERRUPTED)]

    def list_runs(
        self, project: str | None = None, limit: int = 20, *, key: str | None = None
    ) -> list[Run]:
        """Newest first, without results: every run, or one project's (see `_of_project`)."""
        query = sa.select(runs).order_by(runs.c.started.desc(), runs.c.id.desc()).limit(limit)
        if project is not None or key is not None:
            query = query.where(_of_project(project, key))
        with self._read() as conn:
            return [_run_from_row(r, ()) for r in conn.execute(query)]

    def get_run(self, run_id: str) -> Run:
        """A run with its results, findings and test cases."""
        with self._read() as conn:
            row = conn.execute(sa.select(runs).where(runs.c.id == run_id)).first()
            if row is None:
                raise unknown_run(run_id)
            return _run_from_row(row, _load_results(conn, run_id))

    def stage_outcomes(self, run_id: str) -> dict[str, Status]:
        """Stage name → status of one run's stored results (light: no findings or test cases)."""
        query = sa.select(stage_results.c.stage, stage_results.c.status).where(
            stage_results.c.run_id == run_id
        )
        with self._read() as conn:
            return {row.stage: Status(row.status) for row in conn.execute(query)}

    def last_green_run(self, project: str, branch: str, *, key: str | None = None) -> Run | None:
        """The newest PASSED run of the project on `branch`, with results."""
        query = (
            sa.select(runs.c.id)
            .where(
                _of_project(project, key),
                runs.c.branch == branch,
                runs.c.status == RunStatus.PASSED.value,
            )
            .order_by(runs.c.started.desc(), runs.c.id.desc())
            .limit(1)
        )
        with self._read() as conn:
            run_id = conn.execute(query).scalar()
        return None if run_id is None else self.get_run(run_id)

    # --- deployments and incidents --------------------------------------------------------------

    def add_deployment(self, dep: Deployment) -> int:
        """Record a deployment as IN_PROGRESS first (a crash leaves it so); returns its id.

        A `dep` that is already finished (imported history) is then finished in a second write.
        """
        row = _deployment_row(dep) | _owner_row(liveness.me())
        with self._write() as conn:
            dep_id = _new_id(conn.execute(sa.insert(deployments).values(row)))
        if dep.status is not DeploymentStatus.IN_PROGRESS:
            self._finish_deployment(dep_id, dep.status, dep.finished, dep.detail)
        return dep_id

    def finish_deployment(
        self, dep_id: int, status: DeploymentStatus, finished: datetime, detail: str = ""
    ) -> None:
        self._finish_deployment(dep_id, status, finished, detail)

    def _finish_deployment(
        self, dep_id: int, status: DeploymentStatus, finished: datetime | None, detail: str
    ) -> None:
        values: dict[str, Any] = {"status": status.value, "finished": finished}
        if detail:
            values["detail"] = detail
        with self._write() as conn:
            done = conn.execute(
                sa.update(deployments).where(deployments.c.id == dep_id).values(values)
            )
            if done.rowcount == 0:
                raise _unknown_deployment(dep_id)

    def set_deployment_image(self, dep_id: int, image_digest: str | None) -> None:
        """The image a deployment runs, once built (the record itself is written before the build)."""
        with self._write() as conn:
            done = conn.execute(
                sa.update(deployments)
                .where(deployments.c.id == dep_id)
                .values(image_digest=image_digest)
            )
            if done.rowcount == 0:
                raise _unknown_deployment(dep_id)

    def mark_orphan_deployments_failed(self) -> list[int]:
        """Mark IN_PROGRESS deployments whose process (on this host) is gone as FAILED."""
        marked = self._mark_orphans(
            deployments, DeploymentStatus.IN_PROGRESS, DeploymentStatus.FAILED
        )
        return [int(i) for i in marked]

    def dead_deployments(self, ids: Iterable[int]) -> set[int]:
        """Of `ids`, the IN_PROGRESS deployments whose process (on this host) is gone; read-only."""
        wanted = [int(i) for i in ids]
        if not wanted:
            return set()
        me = liveness.me()
        d = deployments.c
        query = sa.select(d.id, d.pid, d.process_start).where(
            d.id.in_(wanted),
            d.status == DeploymentStatus.IN_PROGRESS.value,
            d.host == me.host,
        )
        with self._read() as conn:
            rows = list(conn.execute(query))
        return {
            int(r.id)
            for r in rows
            if liveness.is_gone(liveness.Owner(me.host, r.pid, r.process_start))
        }

    def deployments(
        self, service: str | None = None, environment: str | None = None, limit: int = 100
    ) -> list[Deployment]:
        """Newest first."""
        query = sa.select(deployments).order_by(
            deployments.c.started.desc(), deployments.c.id.desc()
        )
        if service is not None:
            query = query.where(deployments.c.service == service)
        if environment is not None:
            query = query.where(deployments.c.environment == environment)
        with self._read() as conn:
            return [_deployment_from_row(r) for r in conn.execute(query.limit(limit))]

    def add_incident(self, inc: Incident) -> int:
        with self._write() as conn:
            if inc.cause_deployment_id is not None:
                _require(conn, deployments, inc.cause_deployment_id)
            return _new_id(conn.execute(sa.insert(incidents).values(_incident_row(inc))))

    def resolve_incident(self, inc_id: int, resolved: datetime) -> None:
        with self._write() as conn:
            done = conn.execute(
                sa.update(incidents).where(incidents.c.id == inc_id).values(resolved=resolved)
            )
            if done.rowcount == 0:
                raise LockgateError(f"no incident with id {inc_id} in the store")

    def incidents(self, service: str | None = None) -> list[Incident]:
        """Newest first."""
        query = sa.select(incidents).order_by(incidents.c.opened.desc(), incidents.c.id.desc())
        if service is not None:
            query = query.where(incidents.c.service == service)
        with self._read() as conn:
            return [_incident_from_row(r) for r in conn.execute(query)]

    # --- delivery metrics (queries in lockgate.store.delivery) ----------------------------------

    def environment_deployments(
        self, environment: str, service: str | None = None
    ) -> list[Deployment]:
        """Every deployment to `environment`, oldest first (by when it finished)."""
        with self._read() as conn:
            return delivery.deployments_in(conn, environment, service)

    def environment_incidents(
        self, environment: str, service: str | None = None, since: datetime | None = None
    ) -> list[Incident]:
        """Every incident in `environment` (opened at or after `since`), oldest first."""
        with self._read() as conn:
            return delivery.incidents_in(conn, environment, service, since)

    def deployment_timeline(
        self, environment: str, service: str, since: datetime
    ) -> list[Deployment]:
        """The deployments the metrics read from `since` on, and the last live one before."""
        with self._read() as conn:
            return delivery.timeline(conn, environment, service, since)

    def change_set_counts(
        self, service: str, environment: str, since: datetime, until: datetime
    ) -> dict[str | None, tuple[int, int]]:
        with self._read() as conn:
            return delivery.change_set_counts(conn, service, environment, since, until)

    def services(self) -> list[str]:
        """Every service with a deployment or an incident in the store."""
        with self._read() as conn:
            return delivery.services(conn)

    def run_projects(self) -> list[str]:
        """Every project with a recorded run, sorted (a service that has not deployed yet)."""
        with self._read() as conn:
            return sorted(r[0] for r in conn.execute(sa.select(runs.c.project).distinct()))

    def get_incident(self, inc_id: int) -> Incident:
        with self._read() as conn:
            found = delivery.get_incident(conn, inc_id)
        if found is None:
            raise LockgateError(
                f"no incident with id {inc_id} in the store",
                hint="list them with `lockgate incident list`",
            )
        return found

    def get_deployment(self, dep_id: int) -> Deployment | None:
        with self._read() as conn:
            return delivery.get_deployment(conn, dep_id)

    def import_deployment(self, dep: Deployment, key: str) -> int | None:
        """Record a finished deployment from history once: None when `key` is already stored."""
        row = _deployment_row(dep) | {"status": dep.status.value, "finished": dep.finished}
        with self._write() as conn:
            if delivery.find_imported(conn, deployments, dep.service, key) is not None:
                return None
            return _new_id(conn.execute(sa.insert(deployments).values(row | {"import_key": key})))

    def import_incident(self, inc: Incident, key: str) -> int | None:
        """Record an incident from history once: None when `key` is already stored."""
        with self._write() as conn:
            if delivery.find_imported(conn, incidents, inc.service, key) is not None:
                return None
            if inc.cause_deployment_id is not None:
                _require(conn, deployments, inc.cause_deployment_id)
            row = _incident_row(inc) | {"import_key": key}
            return _new_id(conn.execute(sa.insert(incidents).values(row)))

    def change_sets(self, service: str) -> dict[int, delivery.ChangeSet]:
        with self._read() as conn:
            return delivery.change_sets_of(conn, service)

    def save_change_set(
        self,
        change_set: delivery.ChangeSet,
        deployed_at: datetime,
        found: Sequence[delivery.ChangeRecord],
    ) -> None:
        with self._write() as conn:
            delivery.replace_change_set(conn, change_set, deployed_at, found)

    def drop_change_sets(self, deployment_ids: Iterable[int]) -> None:
        with self._write() as conn:
            delivery.drop_change_sets(conn, deployment_ids)

    def lead_seconds(
        self, service: str, spans: Sequence[tuple[datetime, datetime]]
    ) -> list[list[float]]:
        """Per [since, until) span: the lead times of the changes deployed in it (one read; the
        covering index on (service, deployed_at, lead_seconds) serves it without the table)."""
        with self._read() as conn:
            return [delivery.lead_seconds(conn, service, a, b) for a, b in spans]

    def shipped_by(self, service: str, sha_prefix: str) -> int | None:
        with self._read() as conn:
            return delivery.shipped_by(conn, service, sha_prefix)

    # --- metric points --------------------------------------------------------------------------

    def add_metric_point(
        self,
        project: str,
        name: str,
        value: float,
        unit: str,
        at: datetime,
        run_id: str | None = None,
    ) -> None:
        row = {"project": project, "name": name, "value": float(value), "unit": unit, "at": at}
        with self._write() as conn:
            if run_id is not None:
                _require(conn, runs, run_id)
            conn.execute(sa.insert(metric_points).values(row | {"run_id": run_id}))

    def metric_points(
        self, project: str, name: str | None = None, limit: int = 1000
    ) -> list[MetricPoint]:
        """The newest `limit` points of `project` (one metric if `name`), oldest first."""
        mp = metric_points.c
        query = sa.select(metric_points).where(mp.project == project)
        if name is not None:
            query = query.where(mp.name == name)
        query = query.order_by(mp.at.desc(), mp.id.desc()).limit(limit)
        with self._read() as conn:
            rows = list(conn.execute(query))
        return [
            MetricPoint(r.project, r.name, r.value, r.unit, r.at, r.run_id) for r in reversed(rows)
        ]

    # --- orphans --------------------------------------------------------------------------------

    def _mark_orphans(self, table: sa.Table, running: Any, ended: Any) -> list[Any]:
        me = liveness.me()
        query = sa.select(table.c.id, table.c.pid, table.c.process_start).where(
            table.c.status == running.value, table.c.host == me.host
        )
        with self._read() as conn:
            rows = list(conn.execute(query))
        gone = [
            r.id for r in rows if liveness.is_gone(liveness.Owner(me.host, r.pid, r.process_start))
        ]
        marked: list[Any] = []
        if not gone:
            return marked
        with self._write() as conn:
            for row_id in gone:
                done = conn.execute(
                    sa.update(table)
                    .where(table.c.id == row_id, table.c.status == running.value)
                    .values(status=ended.value)
                )
                if done.rowcount:
                    marked.append(row_id)
        return marked


# --- rows ⇄ model values ----------------------------------------------------------------------


def _owner_row(owner: liveness.Owner) -> dict[str, Any]:
    return {"host": owner.host, "pid": owner.pid, "process_start": owner.process_start}


def _of_project(project: str | None, key: str | None) -> sa.ColumnElement[bool]:
    """The runs of one project: by its stable `key` (lockgate.identity) when given, plus, by name,
    runs recorded before keys were (they have none); by `project` name alone otherwise."""
    if key is None:
        return runs.c.project == project
    legacy = sa.and_(runs.c.project_key.is_(None), runs.c.project == project)
    return (
        sa.or_(runs.c.project_key == key, legacy)
        if project is not None
        else runs.c.project_key == key
    )


def _run_row(run: Run) -> dict[str, Any]:
    return {
        "id": run.id,
        "project": run.project,
        "project_key": run.project_key,
        "branch": run.branch,
        "commit_sha": run.commit,
        "status": run.status.value,
        "started": run.started,
        "finished": run.finished,
    }


def _run_from_row(row: sa.Row[Any], results: tuple[StageResult, ...]) -> Run:
    return Run(
        id=row.id,
        project=row.project,
        started=row.started,
        status=RunStatus(row.status),
        finished=row.finished,
        branch=row.branch,
        commit=row.commit_sha,
        results=results,
        project_key=row.project_key,
    )


def _insert_result(conn: sa.Connection, run_id: str, position: int, result: StageResult) -> None:
    row = {
        "run_id": run_id,
        "position": position,
        "stage": result.stage,
        "status": result.status.value,
        "duration": float(result.duration),
        "cached": bool(result.cached),
        "summary": result.summary,
        "metrics": [[_clean(m.name), _number(m.value), _clean(m.unit)] for m in result.metrics],
        "artifacts": [_clean(a) for a in result.artifacts],
        "tool_versions": [[_clean(t), _clean(v)] for t, v in result.tool_versions],
        "unchecked": [_unchecked_row(u) for u in result.unchecked],
    }
    result_id = _new_id(conn.execute(sa.insert(stage_results).values(row)))
    keys = {"stage_result_id": result_id, "run_id": run_id}
    _insert_many(conn, findings, (keys | _finding_row(i, f) for i, f in enumerate(result.findings)))
    _insert_many(
        conn, test_cases, (keys | _test_row(i, t) for i, t in enumerate(result.test_cases))
    )


def _insert_many(conn: sa.Connection, table: sa.Table, rows: Iterable[dict[str, Any]]) -> None:
    batch = list(rows)
    if batch:
        conn.execute(sa.insert(table), batch)


def _finding_row(position: int, f: Finding) -> dict[str, Any]:
    loc = f.location or Location(path=None)  # type: ignore[arg-type]
    return {
        "position": position,
        "stage": f.stage,
        "tool": f.tool,
        "rule_id": f.rule_id,
        "message": f.message,
        "severity": f.severity.value,
        "fingerprint": f.fingerprint,
        "path": loc.path,
        "start_line": loc.start_line,
        "start_col": loc.start_col,
        "end_line": loc.end_line,
        "end_col": loc.end_col,
        "url": f.url,
        "selector": f.selector,
        "help_uri": f.help_uri,
        "help_text": f.help_text,
        "tags": [_clean(t) for t in f.tags],
        "state": f.state.value,
        "state_reason": f.state_reason,
    }


def _unchecked_row(u: Unchecked) -> dict[str, Any]:
    return {
        "what": _clean(u.what),
        "reason": _clean(u.reason),
        "count": int(u.count),
        "fix": _clean(u.fix),
    }


def _unchecked_from_row(data: Any) -> Unchecked:
    return Unchecked(str(data["what"]), str(data["reason"]), int(data["count"]), str(data["fix"]))


def _number(value: float) -> float:
    """A metric value as the stage gave it: an integer stays an integer (42, not 42.0)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return float(value)


def _test_row(position: int, t: TestCase) -> dict[str, Any]:
    return {
        "position": position,
        "classname": t.classname,
        "name": t.name,
        "outcome": t.outcome,
        "duration": float(t.duration),
        "message": t.message,
    }


def _load_results(conn: sa.Connection, run_id: str) -> tuple[StageResult, ...]:
    found: dict[int, list[Finding]] = defaultdict(list)
    query = sa.select(findings).where(findings.c.run_id == run_id).order_by(findings.c.position)
    for row in conn.execute(query):
        found[row.stage_result_id].append(_finding_from_row(row))
    tests: dict[int, list[TestCase]] = defaultdict(list)
    query = (
        sa.select(test_cases).where(test_cases.c.run_id == run_id).order_by(test_cases.c.position)
    )
    for row in conn.execute(query):
        tests[row.stage_result_id].append(
            TestCase(row.classname, row.name, row.outcome, row.duration, row.message)
        )
    query = (
        sa.select(stage_results)
        .where(stage_results.c.run_id == run_id)
        .order_by(stage_results.c.position)
    )
    return tuple(
        _result_from_row(r, tuple(found[r.id]), tuple(tests[r.id])) for r in conn.execute(query)
    )


def _result_from_row(
    row: sa.Row[Any], found: tuple[Finding, ...], tests: tuple[TestCase, ...]
) -> StageResult:
    return StageResult(
        stage=row.stage,
        status=Status(row.status),
        findings=found,
        metrics=tuple(Metric(name, _number(value), unit) for name, value, unit in row.metrics),
        artifacts=tuple(row.artifacts),
        duration=row.duration,
        tool_versions=tuple((tool, version) for tool, version in row.tool_versions),
        cached=bool(row.cached),
        summary=row.summary,
        test_cases=tests,
        unchecked=tuple(_unchecked_from_row(u) for u in row.unchecked or ()),
    )


def _finding_from_row(row: sa.Row[Any]) -> Finding:
    location = None
    if row.path is not None:
        location = Location(row.path, row.start_line, row.start_col, row.end_line, row.end_col)
    return Finding(
        stage=row.stage,
        tool=row.tool,
        rule_id=row.rule_id,
        message=row.message,
        severity=Severity(row.severity),
        fingerprint=row.fingerprint,
        location=location,
        url=row.url,
        selector=row.selector,
        help_uri=row.help_uri,
        help_text=row.help_text,
        tags=tuple(row.tags),
        state=FindingState(row.state),
        state_reason=row.state_reason,
    )


def _deployment_row(dep: Deployment) -> dict[str, Any]:
    return {
        "service": dep.service,
        "environment": dep.environment,
        "version": dep.version,
        "commit_sha": dep.commit,
        "image_digest": dep.image_digest,
        "started": dep.started,
        "finished": None,
        "status": DeploymentStatus.IN_PROGRESS.value,
        "triggered_by": dep.triggered_by,
        "detail": dep.detail,
    }


def _deployment_from_row(row: sa.Row[Any]) -> Deployment:
    return Deployment(
        service=row.service,
        environment=row.environment,
        version=row.version,
        commit=row.commit_sha,
        image_digest=row.image_digest,
        started=row.started,
        status=DeploymentStatus(row.status),
        triggered_by=row.triggered_by,
        finished=row.finished,
        id=row.id,
        detail=row.detail,
    )


def _incident_row(inc: Incident) -> dict[str, Any]:
    return {
        "service": inc.service,
        "environment": inc.environment,
        "opened": inc.opened,
        "resolved": inc.resolved,
        "cause_deployment_id": inc.cause_deployment_id,
        "cause_commit": inc.cause_commit,
        "source": inc.source,
        "title": inc.title,
    }


def _incident_from_row(row: sa.Row[Any]) -> Incident:
    return Incident(
        service=row.service,
        environment=row.environment,
        opened=row.opened,
        resolved=row.resolved,
        cause_deployment_id=row.cause_deployment_id,
        cause_commit=row.cause_commit,
        source=row.source,
        id=row.id,
        title=row.title,
    )


# --- small helpers ----------------------------------------------------------------------------


def _clean(value: str) -> str:
    return clean_text(str(value))


def _new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None, "INSERT without a generated primary key"
    return int(key[0])


def _next_position(conn: sa.Connection, run_id: str) -> int:
    last = sa.func.max(stage_results.c.position)
    found = conn.execute(sa.select(last).where(stage_results.c.run_id == run_id)).scalar()
    return 0 if found is None else int(found) + 1


def _require(conn: sa.Connection, table: sa.Table, key: Any) -> None:
    if conn.execute(sa.select(table.c.id).where(table.c.id == key)).first() is None:
        raise unknown_run(str(key)) if table is runs else _unknown_deployment(int(key))


def _check_project_root(root: Path) -> None:
    # A mistyped path must not turn into a new folder holding an empty store.
    if not root.is_dir():
        raise LockgateError(
            f"project folder '{root}' does not exist or is not a folder",
            hint="pass the project's root folder (the one holding lockgate.toml)",
        )


def unknown_run(run_id: str) -> LockgateError:
    return LockgateError(
        f"no run with id {run_id!r} in the store",
        hint="list the recorded runs with `lockgate history`",
    )


def _unknown_deployment(dep_id: int) -> LockgateError:
    return LockgateError(
        f"no deployment with id {dep_id} in the store",
        hint="use the id that add_deployment returned when the deployment started",
    )

"""Store queries behind the delivery metrics: production deployments, change sets, changes, imports.

Called through `Store` methods (one transaction each); lockgate.metrics never writes SQL itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lockgate.model import Deployment, DeploymentStatus, Incident
from lockgate.store.schema import UTCDateTime, change_sets, changes, deployments, incidents

_BATCH = 5000  # rows per executemany / IN (...) list


@dataclass(frozen=True)
class ChangeRecord:
    """A commit a deployment shipped: `committed_at` is the date its lead time counts from."""

    commit_sha: str
    committed_at: datetime
    source: str = "commit"  # commit | pull_request (a squash merge's earliest PR commit)


@dataclass(frozen=True)
class ChangeSet:
    """How a deployment's changes were read from git; `basis` names the deployments before it."""

    deployment_id: int
    service: str
    basis: str
    state: str
    detail: str
    computed_at: datetime
    commits: int = 0
    squash_unresolved: int = 0


def deployments_in(conn: sa.Connection, environment: str, service: str | None) -> list[Deployment]:
    """Every deployment to `environment` (of `service`, else of all), oldest first."""
    from lockgate.store.repository import _deployment_from_row

    d = deployments.c
    query = sa.select(deployments).where(d.environment == environment)
    if service is not None:
        query = query.where(d.service == service)
    query = query.order_by(sa.func.coalesce(d.finished, d.started), d.id)
    return [_deployment_from_row(r) for r in conn.execute(query)]


_LIVE = ("succeeded", "rolled_back")  # DeploymentStatus values of deployments that went live
_STATUSES = {s.value: s for s in DeploymentStatus}
_WHEN = UTCDateTime()


def timeline(
    conn: sa.Connection, environment: str, service: str, since: datetime
) -> list[Deployment]:
    """What the metrics read of the deployments to `environment` (light: id, commit, status and
    the moment each went live or failed, as both started and finished; in-progress ones keep
    finished empty): those at or after `since` and the last live one before it, oldest first."""
    d = deployments.c
    at = sa.func.coalesce(d.finished, d.started)
    columns = (d.id, d.commit_sha, d.status, at.label("at"), d.finished.is_(None).label("open"))
    mine = sa.and_(d.service == service, d.environment == environment)
    before = (
        sa.select(*columns)
        .where(mine, at < since, d.status.in_(_LIVE))
        .order_by(at.desc(), d.id.desc())
        .limit(1)
    )
    after = sa.select(*columns).where(mine, at >= since).order_by(at, d.id)
    rows = [*conn.execute(before).all(), *conn.execute(after).all()]
    return [_light(r, service, environment, conn) for r in rows]


def _light(row: sa.Row[Any], service: str, environment: str, conn: sa.Connection) -> Deployment:
    at = _utc(row.at, conn)
    status = _STATUSES[row.status]
    return Deployment(
        service,
        environment,
        "",
        row.commit_sha,
        None,
        at,
        status,
        "",
        None if row.open else at,
        row.id,
    )


def _utc(value: Any, conn: sa.Connection) -> datetime:
    """coalesce() loses the column type on SQLite (text comes back): make it a UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    result = _WHEN.process_result_value(value, conn.dialect)
    assert result is not None
    return result


def change_set_counts(
    conn: sa.Connection, service: str, environment: str, since: datetime, until: datetime
) -> dict[str | None, tuple[int, int]]:
    """Of the live deployments in [since, until): change set state (None: never read) → (how
    many, squash merges without their pull request)."""
    d, cs = deployments.c, change_sets.c
    at = sa.func.coalesce(d.finished, d.started)
    query = (
        sa.select(
            cs.state, sa.func.count(d.id), sa.func.coalesce(sa.func.sum(cs.squash_unresolved), 0)
        )
        .select_from(deployments.outerjoin(change_sets, cs.deployment_id == d.id))
        .where(
            d.service == service,
            d.environment == environment,
            d.status.in_(_LIVE),
            at >= since,
            at < until,
        )
        .group_by(cs.state)
    )
    return {r[0]: (int(r[1]), int(r[2])) for r in conn.execute(query)}


def incidents_in(
    conn: sa.Connection, environment: str, service: str | None, since: datetime | None = None
) -> list[Incident]:
    """Every incident in `environment` (of `service`, else of all; opened at or after `since`
    when given), oldest first."""
    from lockgate.store.repository import _incident_from_row

    i = incidents.c
    query = sa.select(incidents).where(i.environment == environment)
    if service is not None:
        query = query.where(i.service == service)
    if since is not None:
        query = query.where(i.opened >= since)
    return [_incident_from_row(r) for r in conn.execute(query.order_by(i.opened, i.id))]


def services(conn: sa.Connection) -> list[str]:
    """Every service with a deployment or an incident, sorted."""
    found = {r[0] for r in conn.execute(sa.select(deployments.c.service).distinct())}
    found |= {r[0] for r in conn.execute(sa.select(incidents.c.service).distinct())}
    return sorted(found)


def change_sets_of(conn: sa.Connection, service: str) -> dict[int, ChangeSet]:
    query = sa.select(change_sets).where(change_sets.c.service == service)
    return {
        r.deployment_id: ChangeSet(
            r.deployment_id,
            r.service,
            r.basis,
            r.state,
            r.detail,
            r.computed_at,
            r.commits,
            r.squash_unresolved,
        )
        for r in conn.execute(query)
    }


def replace_change_set(
    conn: sa.Connection, cs: ChangeSet, deployed_at: datetime, found: Sequence[ChangeRecord]
) -> None:
    """Store `cs` and its changes in place of what the deployment had before."""
    conn.execute(sa.delete(changes).where(changes.c.deployment_id == cs.deployment_id))
    conn.execute(sa.delete(change_sets).where(change_sets.c.deployment_id == cs.deployment_id))
    conn.execute(
        sa.insert(change_sets).values(
            deployment_id=cs.deployment_id,
            service=cs.service,
            basis=cs.basis,
            state=cs.state,
            detail=cs.detail,
            commits=len(found),
            squash_unresolved=cs.squash_unresolved,
            computed_at=cs.computed_at,
        )
    )
    rows = [
        {
            "deployment_id": cs.deployment_id,
            "service": cs.service,
            "commit_sha": c.commit_sha,
            "committed_at": c.committed_at,
            "deployed_at": deployed_at,
            "lead_seconds": (deployed_at - c.committed_at).total_seconds(),
            "source": c.source,
        }
        for c in found
    ]
    for start in range(0, len(rows), _BATCH):
        conn.execute(sa.insert(changes), rows[start : start + _BATCH])


def drop_change_sets(conn: sa.Connection, deployment_ids: Iterable[int]) -> None:
    """Forget the change sets (and changes) of deployments that no longer qualify."""
    ids = list(deployment_ids)
    for start in range(0, len(ids), _BATCH):
        part = ids[start : start + _BATCH]
        conn.execute(sa.delete(changes).where(changes.c.deployment_id.in_(part)))
        conn.execute(sa.delete(change_sets).where(change_sets.c.deployment_id.in_(part)))


def lead_seconds(
    conn: sa.Connection, service: str, since: datetime, until: datetime
) -> list[float]:
    """Lead times of the changes of `service` deployed in [since, until), in seconds."""
    c = changes.c
    query = sa.select(c.lead_seconds).where(
        c.service == service, c.deployed_at >= since, c.deployed_at < until
    )
    return list(conn.execute(query).scalars().all())  # all() at once: far faster than iterating


def shipped_by(conn: sa.Connection, service: str, sha_prefix: str) -> int | None:
    """The deployment that first shipped the commit `sha_prefix` (full or abbreviated)."""
    c = changes.c
    query = (
        sa.select(c.deployment_id, c.deployed_at)
        .where(c.service == service, c.commit_sha.startswith(sha_prefix, autoescape=True))
        .order_by(c.deployed_at, c.deployment_id)
        .limit(1)
    )
    row = conn.execute(query).first()
    return None if row is None else int(row[0])


def find_imported(conn: sa.Connection, table: sa.Table, service: str, key: str) -> int | None:
    query = sa.select(table.c.id).where(table.c.service == service, table.c.import_key == key)
    found = conn.execute(query).scalar()
    return None if found is None else int(found)


def set_import_key(conn: sa.Connection, table: sa.Table, row_id: int, key: str) -> None:
    conn.execute(sa.update(table).where(table.c.id == row_id).values(import_key=key))


def get_incident(conn: sa.Connection, inc_id: int) -> Incident | None:
    from lockgate.store.repository import _incident_from_row

    row = conn.execute(sa.select(incidents).where(incidents.c.id == inc_id)).first()
    return None if row is None else _incident_from_row(row)


def get_deployment(conn: sa.Connection, dep_id: int) -> Deployment | None:
    from lockgate.store.repository import _deployment_from_row

    row = conn.execute(sa.select(deployments).where(deployments.c.id == dep_id)).first()
    return None if row is None else _deployment_from_row(row)


def insert_rows(conn: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk insert (benchmarks and imports of many rows)."""
    for start in range(0, len(rows), _BATCH):
        conn.execute(sa.insert(table), list(rows[start : start + _BATCH]))

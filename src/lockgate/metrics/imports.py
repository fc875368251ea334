"""History for the metrics from day one: git tags, and CSV/JSON files of deployments and incidents.

Every file row is checked before anything is written (a bad row names its line and nothing is
imported). Each record carries an import key, so importing the same tags or file again adds
only what is new.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lockgate.errors import LockgateError
from lockgate.metrics.gitlog import Repo
from lockgate.metrics.incidents import check_cause, check_service, parse_cause
from lockgate.metrics.model import PRODUCTION
from lockgate.metrics.records import Column, Row, read_rows
from lockgate.metrics.timeparse import FORMS, iso, parse_time
from lockgate.model import Deployment, DeploymentStatus, Incident
from lockgate.store.repository import Store

DEPLOYMENT_COLUMNS = (
    Column("deployed_at", True, f"when it went live (or failed); {FORMS}"),
    Column(
        "commit", False, "the deployed commit's sha (full or abbreviated): needed for lead time"
    ),
    Column("status", False, "succeeded (default), failed or rolled_back"),
    Column("service", False, "default: the project's name"),
    Column("environment", False, "default: production (the four keys count production only)"),
    Column("version", False, "default: the commit's first 12 characters"),
    Column("started_at", False, "when the deployment started (default: deployed_at)"),
    Column("id", False, "your id for the record; importing again skips ids already imported"),
)
INCIDENT_COLUMNS = (
    Column("title", True, "what happened"),
    Column("opened_at", True, f"when it started; {FORMS}"),
    Column("resolved_at", False, "when service was restored (empty: still open)"),
    Column("cause", False, "the deployment id or commit sha that caused it (default: the rule)"),
    Column("service", False, "default: the project's name; must have deployments in the store"),
    Column("environment", False, "default: production"),
    Column("id", False, "your id for the record; importing again skips ids already imported"),
)
_SHA = re.compile(r"[0-9a-f]{4,40}")
_STATUSES = {s.value: s for s in DeploymentStatus if s is not DeploymentStatus.IN_PROGRESS}


@dataclass(frozen=True)
class Imported:
    added: int
    already: int  # in the store before (same tag, same file record)
    notes: tuple[str, ...] = ()
    services: tuple[str, ...] = field(default=())


# --- git tags ----------------------------------------------------------------------------------


def import_tags(store: Store, repo: Repo, service: str, pattern: str) -> Imported:
    """Each tag matching `pattern` as a succeeded production deployment at the tag's time
    (annotated: the tagger date; lightweight: the commit's committer date)."""
    if not repo.is_repo:
        raise LockgateError(
            "not a git work tree", where=str(repo.root), hint="run it in the service's clone"
        )
    tags = repo.tags(pattern)
    if not tags:
        raise LockgateError(
            f"no tag matches '{pattern}'",
            where=str(repo.root),
            hint="list the tags with `git tag -l`; quote the pattern so the shell leaves it alone",
        )
    recorded = {
        d.commit
        for d in store.environment_deployments(PRODUCTION, service)
        if d.commit and not d.triggered_by.startswith("import:")
    }
    added = already = deployed = 0
    notes: list[str] = []
    for tag in tags:
        if tag.commit is None or tag.when is None:
            notes.append(f"tag {tag.name} does not point at a commit: skipped")
            continue
        if tag.commit in recorded:
            deployed += 1
            continue
        dep = Deployment(
            service, PRODUCTION, tag.name, tag.commit, None, tag.when,
            DeploymentStatus.SUCCEEDED, "import:git-tag", finished=tag.when,
            detail=f"imported from {'annotated' if tag.annotated else 'lightweight'} tag {tag.name}",
        )  # fmt: skip
        if store.import_deployment(dep, f"git-tag:{tag.name}") is None:
            already += 1
        else:
            added += 1
    if deployed:
        notes.append(f"{deployed} tagged commits already have a recorded production deployment")
    return Imported(added, already, tuple(notes), (service,))


# --- deployments file --------------------------------------------------------------------------


def import_deployments(store: Store, rows: Sequence[Row], own: str, repo: Repo | None) -> Imported:
    parsed = [_deployment(row, own) for row in rows]
    commits = [d.commit for d, _ in parsed if d.commit]
    full = repo.resolve(commits) if repo is not None and repo.is_repo else {}
    known = set(store.services()) | {own}
    added = already = 0
    for dep, key in parsed:
        sha = full.get(dep.commit or "", dep.commit)
        version = dep.version or (sha or "")[:12] or iso(dep.started)
        dep = Deployment(
            dep.service, dep.environment, version, sha, None, dep.started, dep.status,
            dep.triggered_by, dep.finished, detail=dep.detail,
        )  # fmt: skip
        if store.import_deployment(dep, key) is None:
            already += 1
        else:
            added += 1
    services = tuple(sorted({d.service for d, _ in parsed}))
    notes = [_new_service_note(s, known) for s in services if s not in known]
    return Imported(added, already, tuple(notes), services)


def read_deployments(path: Path) -> list[Row]:
    return read_rows(path, DEPLOYMENT_COLUMNS)


def deployment_from(row: Row, own: str, source: str = "file") -> tuple[Deployment, str]:
    """A deployment record and its import key from one row (a file's, or an API request's)."""
    return _deployment(row, own, source)


def _deployment(row: Row, own: str, source: str = "file") -> tuple[Deployment, str]:
    deployed = _time(row, "deployed_at")
    started = _time(row, "started_at") if row.get("started_at") else deployed
    if started > deployed:
        raise LockgateError(
            "started_at is after deployed_at", where=row.where, hint="swap or correct the times"
        )
    status_text = row.get("status").lower() or "succeeded"
    status = _STATUSES.get(status_text)
    if status is None:
        raise LockgateError(
            f"status '{row.get('status')}' is not one of {', '.join(_STATUSES)}", where=row.where
        )
    commit = row.get("commit").lower() or None
    if commit is not None and not _SHA.fullmatch(commit):
        raise LockgateError(
            f"commit '{row.get('commit')}' is not a sha (4 to 40 hex digits)", where=row.where
        )
    env = row.get("environment") or PRODUCTION
    dep = Deployment(
        row.get("service") or own, env, row.get("version"), commit, None, started, status,
        f"import:{source}", finished=deployed, detail=f"imported from {row.where}",
    )  # fmt: skip
    key = (
        f"{source}:{row.get('id')}" if row.get("id") else f"{source}:{env}:{commit}:{iso(deployed)}"
    )
    return dep, key


def _new_service_note(service: str, known: set[str]) -> str:
    close = difflib.get_close_matches(service, sorted(known), n=1)
    if close:
        return (
            f"service '{service}' is new to the store: did you mean '{close[0]}'? "
            "(its deployments were imported under the new name)"
        )
    return f"service '{service}' is new to the store"


# --- incidents file ----------------------------------------------------------------------------


def read_incidents(path: Path) -> list[Row]:
    return read_rows(path, INCIDENT_COLUMNS)


def import_incidents(store: Store, rows: Sequence[Row], own: str, repo: Repo | None) -> Imported:
    known = store.services()
    parsed = [_incident(store, repo, row, own, known) for row in rows]
    added = already = 0
    for inc, key in parsed:
        if store.import_incident(inc, key) is None:
            already += 1
        else:
            added += 1
    return Imported(added, already, (), tuple(sorted({i.service for i, _ in parsed})))


def incident_from(
    store: Store, row: Row, own: str, known: Sequence[str], source: str = "file"
) -> tuple[Incident, str]:
    """An incident record and its import key from one row (a file's, or an API request's)."""
    return _incident(store, None, row, own, known, source)


def _incident(
    store: Store,
    repo: Repo | None,
    row: Row,
    own: str,
    known: Sequence[str],
    source: str = "file",
) -> tuple[Incident, str]:
    opened = _time(row, "opened_at")
    resolved = _time(row, "resolved_at") if row.get("resolved_at") else None
    if resolved is not None and resolved < opened:
        raise LockgateError(
            f"resolved_at ({row.get('resolved_at')}) is before opened_at ({row.get('opened_at')}): "
            "an incident cannot be resolved before it opened",
            where=row.where,
            hint="correct one of the two times",
        )
    service = row.get("service") or own
    env = row.get("environment") or PRODUCTION
    dep_id, sha = None, None
    try:
        check_service(service, known, own)
        if row.get("cause"):
            dep_id, sha = check_cause(store, repo, service, *parse_cause(row.get("cause")))
    except ValueError as exc:
        raise LockgateError(str(exc), where=row.where) from None
    except LockgateError as exc:
        raise LockgateError(exc.message, where=row.where, hint=exc.hint) from None
    inc = Incident(
        service, env, opened, resolved, dep_id, sha, source="import" if source == "file" else source,
        title=row.get("title"),
    )  # fmt: skip
    key = (
        f"{source}:{row.get('id')}"
        if row.get("id")
        else f"{source}:{env}:{iso(opened)}:{inc.title}"
    )
    return inc, key


def _time(row: Row, column: str) -> datetime:
    try:
        return parse_time(row.get(column))
    except ValueError as exc:
        raise LockgateError(f"{column}: {exc}", where=row.where) from None

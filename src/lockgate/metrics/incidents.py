"""Open and resolve incidents, with the checks that keep their numbers true."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from datetime import datetime

from lockgate.errors import LockgateError
from lockgate.metrics.gitlog import Repo
from lockgate.metrics.model import PRODUCTION
from lockgate.metrics.timeparse import show
from lockgate.model import Incident
from lockgate.store.repository import Store

_SHA = re.compile(r"[0-9a-f]{4,40}")
CAUSE_FORMS = "a deployment id (12, or #12) or a commit sha (at least 4 hex digits)"


def parse_cause(text: str) -> tuple[int | None, str | None]:
    """(deployment id, None) or (None, sha); ValueError for anything else. All digits = an id."""
    raw = text.strip().lower()
    if raw.startswith("#") and raw[1:].isdigit():
        return int(raw[1:]), None
    if raw.isdigit():
        return int(raw), None
    if _SHA.fullmatch(raw):
        return None, raw
    raise ValueError(f"cause '{text}' is neither {CAUSE_FORMS}")


def check_service(service: str, known: Sequence[str], own: str) -> None:
    """`service` must be the project's own or one the store has records of."""
    if service == own or service in known:
        return
    names = sorted({*known, own} - {""})
    close = difflib.get_close_matches(service, names, n=1)
    raise LockgateError(
        f"unknown service '{service}'" + (f" (did you mean '{close[0]}'?)" if close else ""),
        hint="known services: "
        + (", ".join(names) or "none yet")
        + "; record its deployments first (lockgate deploy, lockgate import)",
    )


def check_cause(
    store: Store, repo: Repo | None, service: str, dep_id: int | None, sha: str | None
) -> tuple[int | None, str | None]:
    """A stated cause made definite: the deployment must exist for `service`; a sha this
    repository knows becomes its full sha."""
    if dep_id is not None:
        dep = store.get_deployment(dep_id)
        if dep is None or dep.service != service:
            whose = "" if dep is None else f" (it is a deployment of '{dep.service}')"
            raise LockgateError(
                f"no deployment #{dep_id} of '{service}' in the store{whose}",
                hint="the ids are in `lockgate status` and the deployment records; or give a commit sha",
            )
        return dep_id, None
    if sha is not None and repo is not None and repo.is_repo:
        full = repo.resolve([sha]).get(sha)
        if full is None:
            raise LockgateError(
                f"commit {sha} is not in this repository",
                hint="give a commit of the service's repository (git log), or a deployment id",
            )
        return None, full
    return None, sha


def resolve_incident(store: Store, inc_id: int, at: datetime) -> Incident:
    """Mark an open incident resolved at `at`; the time may not come before it opened."""
    inc = store.get_incident(inc_id)
    if inc.resolved is not None:
        raise LockgateError(
            f"incident #{inc_id} was already resolved at {show(inc.resolved)}",
            hint="nothing to do; an incident is resolved once",
        )
    if at < inc.opened:
        raise LockgateError(
            f"incident #{inc_id} opened at {show(inc.opened)}: it cannot be resolved before "
            f"that ({show(at)})",
            hint="give the time it was resolved with --at TIME (UTC unless a zone is given)",
        )
    store.resolve_incident(inc_id, at)
    return store.get_incident(inc_id)


def describe_link(store: Store, inc: Incident) -> str:
    """Which deployment the incident counts against, in words (the rule of lockgate.metrics.links)."""
    from lockgate.metrics.links import Linker

    if inc.environment != PRODUCTION:
        return f"not a production incident: the four keys leave it out ({inc.environment})"
    deps = store.environment_deployments(PRODUCTION, inc.service)
    linked = Linker(deps, lambda sha: store.shipped_by(inc.service, sha)).link(inc)
    if linked.deployment_id is None:
        return "tied to no production deployment yet (it counts for time to restore only)"
    how = {
        "stated": "as stated",
        "commit": "the deployment that first shipped that commit",
        "last_before": "the last production deployment before it opened",
    }.get(linked.link.value, "")
    return f"counts against deployment #{linked.deployment_id} ({how})"

"""What the team server receives: a run's results.json, a deployment's import columns.

Both are built from what lockgate already stores and reports, so they carry no more than the
local reports do: findings as their stages wrote them (secret values redacted at the source).
"""

from __future__ import annotations

import uuid

from lockgate.client.outbox import Kind, Record
from lockgate.model import Deployment, DeploymentStatus, Run
from lockgate.reports.text import iso


def run_record(run: Run, server: str) -> Record:
    """The run as results.json (what POST /api/v1/runs takes); its id is the idempotency key."""
    from lockgate.reports.jsonreport import run_to_dict

    body = run_to_dict(run)
    if run.project_key:
        body["run"]["project_key"] = run.project_key
    return Record(Kind.RUN, run.id, server, f"run {run.id}", body)


def deployment_record(dep: Deployment, server: str) -> Record:
    """A finished deployment as the columns POST /api/v1/deployments takes, with a fresh key."""
    if dep.status is DeploymentStatus.IN_PROGRESS:
        raise ValueError("a deployment is reported once it has finished")
    body = {
        "service": dep.service,
        "environment": dep.environment,
        "version": dep.version,
        "status": dep.status.value,
        "started_at": iso(dep.started),
        "deployed_at": iso(dep.finished or dep.started),
    }
    if dep.commit:
        body["commit"] = dep.commit
    label = f"deployment #{dep.id} of {dep.service} to {dep.environment}"
    return Record(Kind.DEPLOYMENT, f"deployment-{uuid.uuid4().hex}", server, label, body)

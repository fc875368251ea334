"""Which production deployment caused an incident.

1. A stated deployment id (`--cause 12`) is that deployment.
2. A stated commit (`--cause 3f2a9c1`) is the deployment that first shipped it (its change
   records), else the first live deployment of exactly that commit.
3. No stated cause: the last live production deployment of the service (succeeded, or later
   rolled back) that went live at or before the incident opened. The rule is applied when the
   metrics are computed, so history imported later is taken into account.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lockgate.metrics.changes import deployed_at
from lockgate.metrics.model import LIVE, Link
from lockgate.model import Deployment, Incident


@dataclass(frozen=True)
class Linked:
    incident: Incident
    deployment_id: int | None
    link: Link


class Linker:
    """Links incidents of one service to its production deployments (oldest first)."""

    def __init__(
        self, deployments: Sequence[Deployment], shipped_by: Callable[[str], int | None]
    ) -> None:
        self._live = [d for d in deployments if d.status in LIVE]
        self._times = [deployed_at(d) for d in self._live]
        self._ids = {d.id for d in deployments}
        self._shipped_by = shipped_by

    def link(self, inc: Incident) -> Linked:
        if inc.cause_deployment_id is not None:
            known = inc.cause_deployment_id in self._ids
            return Linked(inc, inc.cause_deployment_id if known else None, Link.STATED)
        if inc.cause_commit:
            return Linked(inc, self._by_commit(inc.cause_commit), Link.COMMIT)
        at = bisect.bisect_right(self._times, inc.opened)
        if at == 0:
            return Linked(inc, None, Link.NONE)
        return Linked(inc, self._live[at - 1].id, Link.LAST_BEFORE)

    def _by_commit(self, sha: str) -> int | None:
        shipped = self._shipped_by(sha)
        if shipped is not None:
            return shipped
        for dep in self._live:
            if dep.commit and dep.commit.startswith(sha):
                return dep.id
        return None

"""What the pages, the API and /metrics show, read from the store once per request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from lockgate.errors import LockgateError
from lockgate.metrics.model import DEFAULT_DAYS, PRODUCTION, ServiceKeys, Window
from lockgate.model import Deployment, Incident
from lockgate.store.repository import Store


@dataclass(frozen=True)
class ServicePage:
    keys: ServiceKeys
    deployments: tuple[Deployment, ...]  # newest first
    incidents: tuple[Incident, ...]  # newest first


class Dashboard:
    """The store of one project (or a team store), with the clock the pages use."""

    def __init__(self, project: Path, now: Callable[[], datetime], url: str | None = None) -> None:
        self.project = project
        self.now = now
        self._store = Store.open(project, url)

    @property
    def store(self) -> Store:
        return self._store

    def close(self) -> None:
        self._store.close()

    def window(self, since: datetime | None = None, until: datetime | None = None) -> Window:
        end = until or self.now()
        start = since or end - timedelta(days=DEFAULT_DAYS)
        if start >= end:
            raise LockgateError("since must come before until")
        return Window(start, end)

    def services(self) -> list[str]:
        return self._store.services()

    def keys(self, service: str, window: Window) -> ServiceKeys:
        """The four keys from what the store holds (no git: the server reads no repository)."""
        from lockgate.metrics.report import service_keys

        return service_keys(self._store, service, window, self.now())

    def all_keys(self, window: Window) -> list[ServiceKeys]:
        return [self.keys(s, window) for s in self.services()]

    def service_page(self, service: str, window: Window, limit: int = 50) -> ServicePage | None:
        if service not in self.services():
            return None
        deps = self._store.deployments(service=service, environment=PRODUCTION, limit=limit)
        incidents = self._store.incidents(service)[:limit]
        return ServicePage(self.keys(service, window), tuple(deps), tuple(incidents))

"""What the pages, the API and /metrics show, read from the store and kept until it changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from lockgate.errors import LockgateError
from lockgate.metrics.builds import BuildMeasures, measure
from lockgate.metrics.model import DEFAULT_DAYS, PRODUCTION, ServiceKeys, Window
from lockgate.model import Deployment, Incident, Run, Status
from lockgate.store import database
from lockgate.store.repository import Store
from lockgate.web.freshness import Cache, SharedReads, StoreVersion

RECENT_RUNS = 30  # runs the build measures of a service read (the newest in the window)
RUNS_SCANNED = 500  # run rows (without results) looked through for those in the window


@dataclass(frozen=True)
class LatestRun:
    """A service's newest run with each stage's gate outcome (services page)."""

    run: Run
    stages: tuple[tuple[str, Status], ...]


@dataclass(frozen=True)
class ServicePage:
    keys: ServiceKeys
    deployments: tuple[Deployment, ...]  # newest first
    incidents: tuple[Incident, ...]  # newest first
    build: BuildMeasures  # over the newest RECENT_RUNS runs in the window


@dataclass(frozen=True)
class Overview:
    """The services page: the four keys of every service over one window, and latest runs."""

    window: Window
    keys: tuple[ServiceKeys, ...]
    latest: dict[str, LatestRun]


class Dashboard:
    """The store of one project (or a team store), with the clock the pages use.

    What the pages compute from the store (the four keys above all) is kept in a Cache until the
    store changes, so a busy page costs one computation per change, not one per request.
    """

    def __init__(self, project: Path, now: Callable[[], datetime], url: str | None = None) -> None:
        self.project = project
        self.now = now
        self._store = Store.open(project, url)
        self._version = StoreVersion(database.resolve(project, url))
        self._cache = Cache(self._version.current, now)
        self._versions = SharedReads(self._version)

    @property
    def store(self) -> Store:
        return self._store

    @property
    def versions(self) -> SharedReads:
        """The store's version as requests on the event loop read it."""
        return self._versions

    @property
    def cache(self) -> Cache:
        """What the pages computed, kept until the store changes (the app keeps answers in it)."""
        return self._cache

    @property
    def reports(self) -> Path:
        """Where `lockgate run` writes each run's reports by default (one folder per run id)."""
        return self.project / ".lockgate" / "reports"

    async def aclose(self) -> None:
        """Close what the event loop holds (PostgreSQL's version connection), then the rest."""
        await self._version.aclose()
        self.close()

    def close(self) -> None:
        self._version.close()
        self._store.close()

    def window(self, since: datetime | None = None, until: datetime | None = None) -> Window:
        end = until or self.now()
        start = since or end - timedelta(days=DEFAULT_DAYS)
        if start >= end:
            raise LockgateError("since must come before until")
        return Window(start, end)

    def services(self) -> list[str]:
        """Services with deployments or incidents, and projects that so far only ran their gates."""

        def every() -> list[str]:
            return sorted({*self._store.services(), *self._store.run_projects()})

        return list(self._cache.get(("services",), every))

    def _keys(self, service: str, window: Window) -> ServiceKeys:
        """The four keys from what the store holds (no git: the server reads no repository)."""
        from lockgate.metrics.report import service_keys

        return service_keys(self._store, service, window, self.now())

    def keys(
        self, service: str, since: datetime | None = None, until: datetime | None = None
    ) -> ServiceKeys:
        def compute() -> ServiceKeys:
            return self._keys(service, self.window(since, until))

        return self._cache.get(("keys", service, since, until), compute)

    def overview(self, since: datetime | None = None, until: datetime | None = None) -> Overview:
        def compute() -> Overview:
            window = self.window(since, until)
            names = self.services()
            keys = tuple(self._keys(s, window) for s in names)
            return Overview(window, keys, {s: r for s in names if (r := self._latest(s))})

        return self._cache.get(("overview", since, until), compute)

    def _latest(self, service: str) -> LatestRun | None:
        found = self._store.list_runs(service, limit=1)
        if not found:
            return None
        stages = self._store.stage_outcomes(found[0].id)
        return LatestRun(found[0], tuple(stages.items()))

    def service_page(
        self, service: str, since: datetime | None = None, until: datetime | None = None
    ) -> ServicePage | None:
        def compute() -> ServicePage | None:
            window = self.window(since, until)
            runs = self._runs(service, window)
            if not runs and service not in self._store.services():
                return None
            deps = self._store.deployments(service=service, environment=PRODUCTION, limit=50)
            incidents = self._store.incidents(service)[:50]
            return ServicePage(
                self._keys(service, window), tuple(deps), tuple(incidents), measure(runs)
            )

        return self._cache.get(("service", service, since, until), compute)

    def _runs(self, service: str, window: Window) -> list[Run]:
        """The newest RECENT_RUNS runs of `service` that started in the window, with results."""
        rows = self._store.list_runs(service, limit=RUNS_SCANNED)
        chosen = [r for r in rows if window.holds(r.started)][:RECENT_RUNS]
        return [self._store.get_run(r.id) for r in chosen]

    def build(
        self, service: str, since: datetime | None = None, until: datetime | None = None
    ) -> BuildMeasures:
        """Build and quality measures over the service's newest RECENT_RUNS runs in the window."""

        def compute() -> BuildMeasures:
            return measure(self._runs(service, self.window(since, until)))

        return self._cache.get(("build", service, since, until), compute)

    def run(self, run_id: str) -> Run | None:
        """One run with its results (None: no such run in the store)."""

        def compute() -> Run | None:
            try:
                return self._store.get_run(run_id)
            except LockgateError:
                return None

        return self._cache.get(("run", run_id), compute)

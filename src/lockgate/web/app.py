"""The Starlette application: pages (no JavaScript), the JSON API, /metrics, security headers.

Pages and GET routes only read the store; the POST routes of team mode (lockgate.web.ingest)
write, with the bearer token only. Strings from the store (service
names, incident titles, versions) are escaped by Jinja2's autoescaping and by charts.svg.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from lockgate.errors import LockgateError
from lockgate.metrics import bands, render
from lockgate.metrics.model import Key, ServiceKeys, Week, Window
from lockgate.metrics.timeparse import duration, parse_bound, show
from lockgate.web import buildview, prometheus, runs
from lockgate.web.charts import Chart, svg
from lockgate.web.data import Dashboard, LatestRun
from lockgate.web.freshness import Cache, SharedReads
from lockgate.web.ingest import Ingest
from lockgate.web.openapi import OPENAPI

HERE = Path(__file__).parent
HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
_ENCODED = tuple((k.encode(), v.encode()) for k, v in HEADERS.items())
ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


class SecurityHeaders:
    """Adds HEADERS to every HTTP response (pages, API, static files, errors)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_ENCODED]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


def create_app(
    dashboard: Dashboard, year: int | None = None, token: str | None = None
) -> Starlette:
    """The dashboard over `dashboard`'s store; `year`: the DORA report year pages show;
    `token`: the bearer token writes need (None: no writes)."""
    shown_year = year or bands.years()[-1]
    templates = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
    )
    views = _Views(dashboard, templates, shown_year)
    kept = _Kept(dashboard.cache, dashboard.versions)
    ingest = Ingest(lambda: dashboard.store, token)
    app = Starlette(
        routes=[
            Route("/", kept(views.services)),
            Route("/services/{name:path}", kept(views.service)),
            Route(
                "/runs/{run_id}", views.run
            ),  # rendered each time: its report files may come later
            Route("/runs/{run_id}/reports/{fmt}", views.run_report),
            Route("/api/v1/runs/{run_id}", views.api_run),
            Route("/api/v1/services", kept(views.api_services)),
            Route("/api/v1/metrics", kept(views.api_metrics)),
            Route("/api/v1/openapi.json", views.openapi),
            Route("/metrics", kept(views.prometheus)),
            Route("/api/v1/runs", ingest.runs, methods=["POST"]),
            Route("/api/v1/deployments", ingest.deployments, methods=["POST"]),
            Route("/api/v1/incidents", ingest.incidents, methods=["POST"]),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        lifespan=_closing(dashboard),
    )
    app.add_middleware(SecurityHeaders)
    return app


class _Kept:
    """Read routes answered from the cache while the store is unchanged.

    A kept answer is served on the event loop without a thread (the busy case: one cheap check
    that the store did not change); a missing one is computed in the thread pool, once for all
    the requests that ask for it meanwhile. Keyed by path and query string.
    """

    def __init__(self, cache: Cache, versions: SharedReads) -> None:
        self.cache = cache
        self.versions = versions

    def __call__(
        self, view: Callable[[Request], Response]
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            key = ("response", request.scope["path"], request.scope["query_string"])
            found, kept = self.cache.lookup(key, await self.versions.current())
            if not found:
                kept = await run_in_threadpool(self.cache.get, key, lambda: _Answer(view(request)))
            assert isinstance(kept, _Answer)
            return kept

        return endpoint


class _Answer(Response):
    """A kept response, sent as it is: its body and headers were encoded once, when it was made."""

    def __init__(self, response: Response) -> None:  # no super().__init__: nothing to render
        self.status_code = response.status_code
        self.body = bytes(response.body)
        self.raw_headers = list(response.raw_headers)
        self.background = None


def _closing(dashboard: Dashboard) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await dashboard.aclose()

    return lifespan


class _Views:
    def __init__(self, dashboard: Dashboard, templates: Environment, year: int) -> None:
        self.d = dashboard
        self.templates = templates
        self.year = year
        self.source = next(r.source for r in bands.reports() if r.year == year)

    def _bounds(self, request: Request) -> tuple[datetime | None, datetime | None]:
        """The ?since=&until= asked for (None: the default), checked."""
        q = request.query_params
        try:
            since = parse_bound(q["since"], end=False) if q.get("since") else None
            until = parse_bound(q["until"], end=True) if q.get("until") else None
        except ValueError as exc:
            raise _BadRequest(str(exc)) from None
        try:
            self.d.window(since, until)
        except LockgateError as exc:
            raise _BadRequest(exc.message) from None
        return since, until

    def _page(self, name: str, window: Window, status: int = 200, **values: Any) -> HTMLResponse:
        body = self.templates.get_template(name).render(
            window_text=f"{show(window.since)} to {show(window.until)}",
            days=f"{window.days:.0f}",
            year=self.year,
            source=self.source,
            **values,
        )
        return HTMLResponse(body, status_code=status)

    def services(self, request: Request) -> Response:
        try:
            since, until = self._bounds(request)
        except _BadRequest as exc:
            return self._error(exc.message, 400)
        overview = self.d.overview(since, until)
        rows = [_row(k, self.year, overview.latest.get(k.service)) for k in overview.keys]
        keep = _kept_window(request)
        return self._page(
            "services.html.j2",
            overview.window,
            title="All services",
            rows=rows,
            keep=keep,
            api="/api/v1/metrics" + keep,
        )

    def service(self, request: Request) -> Response:
        name = request.path_params["name"]
        try:
            since, until = self._bounds(request)
        except _BadRequest as exc:
            return self._error(exc.message, 400)
        page = self.d.service_page(name, since, until)
        if page is None:
            return self._error(f"No service named '{name}' in the store.", 404)
        k = page.keys
        return self._page(
            "service.html.j2",
            k.window,
            title=f"Service {name}",
            service=name,
            api="/api/v1/metrics?"
            + urlencode({"service": name})
            + _kept_window(request).replace("?", "&"),
            years=bands.years(),
            keys=_key_rows(k),
            warnings=k.warnings,
            charts=_charts(k.weekly),
            deployments=[_deployment_row(d) for d in page.deployments],
            incidents=[_incident_row(i) for i in page.incidents],
            build=buildview.service_build(page.build),
        )

    def run(self, request: Request) -> Response:
        run_id = request.path_params["run_id"]
        found = self.d.run(run_id)
        if found is None:
            return self._error(f"No run with id '{run_id}' in the store.", 404)
        try:
            wanted = runs.parse_filter(request.query_params, found)
        except runs.BadFilter as exc:
            return self._error(str(exc), 400)
        shown = runs.view(found, wanted, self.d.reports)
        return self._page(
            "run.html.j2",
            self.d.window(),
            title=f"Run {run_id}",
            api=f"/api/v1/runs/{quote(run_id, safe='')}",
            **buildview.run_page(shown),
        )

    def run_report(self, request: Request) -> Response:
        run_id, fmt = request.path_params["run_id"], request.path_params["fmt"]
        if self.d.run(run_id) is None:
            return self._error(f"No run with id '{run_id}' in the store.", 404)
        found = runs.report_file(self.d.reports, run_id, fmt)
        if found is None:
            return self._error(f"Run '{run_id}' has no {fmt} report on this server.", 404)
        path, download = found
        return FileResponse(
            path,
            media_type=download.media_type,
            filename=f"lockgate-{run_id}-{download.filename}",
            content_disposition_type="attachment",
        )

    def api_run(self, request: Request) -> Response:
        run_id = request.path_params["run_id"]
        found = self.d.run(run_id)
        if found is None:
            return JSONResponse({"error": f"no run with id '{run_id}'"}, status_code=404)
        try:
            wanted = runs.parse_filter(request.query_params, found)
        except runs.BadFilter as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(buildview.run_json(runs.view(found, wanted, self.d.reports)))

    def _error(self, message: str, status: int) -> HTMLResponse:
        window = self.d.window()
        return self._page(
            "error.html.j2",
            window,
            status,
            title="Not here",
            message=message,
            api="/api/v1/metrics",
        )

    def api_services(self, request: Request) -> Response:
        return JSONResponse({"services": self.d.services()})

    def api_metrics(self, request: Request) -> Response:
        try:
            since, until = self._bounds(request)
        except _BadRequest as exc:
            return JSONResponse({"error": exc.message}, status_code=400)
        wanted = request.query_params.get("service")
        if wanted is not None and wanted not in self.d.services():
            return JSONResponse({"error": f"no service named '{wanted}'"}, status_code=404)
        if wanted is not None:
            keys = [self.d.keys(wanted, since, until)]
            window = keys[0].window
        else:
            overview = self.d.overview(since, until)
            keys, window = list(overview.keys), overview.window
        return JSONResponse(render.to_json(keys, window, self.d.now(), self.year))

    def openapi(self, request: Request) -> Response:
        return JSONResponse(OPENAPI)

    def prometheus(self, request: Request) -> Response:
        overview = self.d.overview()
        builds = {k.service: self.d.build(k.service) for k in overview.keys}
        text = prometheus.render(overview.keys, overview.window.days, builds)
        return Response(text, media_type=prometheus.CONTENT_TYPE)


def _kept_window(request: Request) -> str:
    """The page's ?since=&until= for the links it shows (so a chosen window stays chosen)."""
    kept = {k: v for k, v in request.query_params.items() if k in ("since", "until") and v}
    return "?" + urlencode(kept) if kept else ""


class _BadRequest(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- view models ---------------------------------------------------------------------------


def _band(k: ServiceKeys, key: Key, year: int) -> tuple[str | None, str]:
    band = next(b for b in k.bands[key] if b.year == year)
    if band.level is None:
        return None, f"no level ({year}: {band.report_text})"
    return band.level, f"{band.level} ({year}: {band.report_text})"


def _values(k: ServiceKeys) -> dict[Key, str]:
    lt, tr, cf = k.lead_time.stats, k.time_to_restore.stats, k.change_failure
    return {
        Key.DEPLOYMENT_FREQUENCY: f"{k.deployment_frequency.deployments} "
        f"({k.deployment_frequency.per_week:.2f} a week)",
        Key.LEAD_TIME: "-" if lt.median is None else duration(lt.median),
        Key.CHANGE_FAILURE_RATE: "-" if cf.rate is None else f"{cf.rate:.0%}",
        Key.TIME_TO_RESTORE: "-" if tr.median is None else duration(tr.median),
    }


def _row(k: ServiceKeys, year: int, latest: LatestRun | None) -> dict[str, Any]:
    values = _values(k)
    cells = []
    for key in Key:
        level, text = _band(k, key, year)
        cells.append({"value": values[key], "level": level, "band": text})
    return {
        "service": k.service,
        "cells": cells,
        "unchecked": sum(w.count for w in k.warnings),
        "latest": buildview.latest_run(latest) if latest else None,
    }


_NAMES = {
    Key.DEPLOYMENT_FREQUENCY: "deployment frequency",
    Key.LEAD_TIME: "lead time for changes",
    Key.CHANGE_FAILURE_RATE: "change failure rate",
    Key.TIME_TO_RESTORE: "time to restore",
}


def _key_rows(k: ServiceKeys) -> list[dict[str, Any]]:
    values = _values(k)
    lt, tr, cf = k.lead_time, k.time_to_restore, k.change_failure
    more = {
        Key.DEPLOYMENT_FREQUENCY: [],
        Key.LEAD_TIME: [
            f"p90 {duration(lt.stats.p90)}" if lt.stats.p90 is not None else "",
            f"{lt.stats.count} commits; {lt.excluded_nonpositive} with lead time <= 0 left out",
        ],
        Key.CHANGE_FAILURE_RATE: [
            f"{cf.failures} of {cf.deployments} deployments: {cf.failed} failed, "
            f"{cf.rolled_back} rolled back, {cf.caused_incident} caused an incident"
        ],
        Key.TIME_TO_RESTORE: [
            f"p90 {duration(tr.stats.p90)}" if tr.stats.p90 is not None else "",
            f"{tr.stats.count} restores; {tr.unrestored} not restored yet",
        ],
    }
    return [
        {
            "name": _NAMES[key],
            "value": values[key],
            "more": [m for m in more[key] if m],
            "bands": k.bands[key],
        }
        for key in Key
    ]


def _charts(weekly: tuple[Week, ...]) -> list[dict[str, Any]]:
    labels = tuple(f"{w.since:%Y-%m-%d}" for w in weekly)
    specs: list[tuple[str, str, tuple[float | None, ...], Callable[[float], str]]] = [
        ("deploys", "Production deployments a week", tuple(float(w.deployments) for w in weekly), _count),
        ("lead", "Lead time for changes, weekly median", tuple(w.lead_time_median for w in weekly), duration),
        ("cfr", "Change failure rate a week", tuple(w.change_failure_rate for w in weekly), _percent),
        ("restore", "Time to restore, weekly median", tuple(w.time_to_restore_median for w in weekly), duration),
    ]  # fmt: skip
    charts = []
    for ident, title, values, show_value in specs:
        chart = Chart(ident, title, labels, values, show_value)
        charts.append(
            {
                "title": title,
                "svg": svg(chart),
                "rows": list(zip(labels, chart.shown(), strict=True)),
            }
        )
    return charts


def _count(value: float) -> str:
    return f"{value:.0f}"


def _percent(value: float) -> str:
    return f"{value:.0%}"


def _deployment_row(d: Any) -> dict[str, Any]:
    at: datetime = d.finished or d.started
    return {
        "id": d.id,
        "version": d.version,
        "commit": d.commit,
        "status": d.status.value,
        "at": show(at),
        "by": d.triggered_by,
    }


def _incident_row(i: Any) -> dict[str, Any]:
    return {
        "id": i.id,
        "title": i.title,
        "environment": i.environment,
        "opened": show(i.opened),
        "resolved": show(i.resolved) if i.resolved else "open",
    }

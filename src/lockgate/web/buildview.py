"""What the templates and the JSON API show of runs: the run page, a service's build measures.

Every value here is plain data for Jinja2 (which escapes it) or JSON; charts come from
charts.svg, each with its data as a table beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from lockgate.metrics.builds import BuildMeasures, RunMeasures, StageTrend
from lockgate.metrics.timeparse import duration, iso, show
from lockgate.model import Finding, Run, Severity, StageResult, TestCase
from lockgate.web.charts import Chart, svg
from lockgate.web.data import LatestRun
from lockgate.web.runs import RunView, failing, safe_href

SEVERITIES = tuple(Severity)  # worst first


def run_href(run_id: str, **query: str) -> str:
    kept = {k: v for k, v in query.items() if v}
    return f"/runs/{quote(run_id, safe='')}" + ("?" + urlencode(kept) if kept else "")


def service_href(name: str) -> str:
    return "/services/" + quote(name, safe="")


def seconds(value: float | None) -> str:
    """A stage or run duration for people: 0.4s, 12.0s, 3m 5s."""
    if value is None:
        return "-"
    return f"{value:.1f}s" if value < 60 else duration(value)


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


# --- services page ---------------------------------------------------------------------------


def latest_run(latest: LatestRun) -> dict[str, Any]:
    """The services page's latest-run cell: the run's verdict and the gates that did not pass."""
    bad = [name for name, status in latest.stages if status.value in ("failed", "error")]
    return {
        "href": run_href(latest.run.id),
        "id": latest.run.id,
        "status": latest.run.status.value,
        "started": show(latest.run.started),
        "gates": len(latest.stages),
        "passed": sum(s.value in ("passed", "warned") for _, s in latest.stages),
        "failing": bad,
    }


# --- service page ----------------------------------------------------------------------------


def service_build(build: BuildMeasures) -> dict[str, Any]:
    """The service page's runs list, stage trends, charts over runs and flaky tests."""
    oldest_first = tuple(reversed(build.runs))
    labels = tuple(f"{r.started:%m-%d %H:%M}" for r in oldest_first)
    return {
        "runs": [_run_row(r) for r in build.runs],
        "stages": [_stage_row(t) for t in build.stages],
        "charts": _run_charts(oldest_first, labels),
        "flaky": [
            {
                "test": f.test,
                "commit": f.commit[:12],
                "failed": f.failed,
                "passed": f.passed,
                "runs": [{"id": i, "href": run_href(i)} for i in f.runs],
            }
            for f in build.flaky
        ],
        "matrix": _matrix(build.runs[0]) if build.runs else None,
    }


def _run_row(r: RunMeasures) -> dict[str, Any]:
    tests = r.tests
    return {
        "id": r.run_id,
        "href": run_href(r.run_id),
        "started": show(r.started),
        "status": r.status.value,
        "branch": r.branch or "-",
        "commit": (r.commit or "-")[:12],
        "seconds": seconds(r.seconds),
        "cached": f"{r.cached_stages} of {r.stages}",
        "tests": "-" if tests is None else f"{tests.tests} ({tests.failing} failing)",
        "coverage": "-" if r.coverage is None else f"{r.coverage:.1f}%",
        "findings": f"{r.findings} ({r.open_findings} open)",
        "accessibility": "-" if r.accessibility is None else str(r.accessibility),
        "load": "-"
        if r.load_p95_ms is None
        else f"p95 {r.load_p95_ms:.0f} ms"
        + ("" if r.load_rps is None else f", {r.load_rps:.0f} req/s"),
    }


def _stage_row(t: StageTrend) -> dict[str, Any]:
    d = t.duration
    return {
        "stage": t.stage,
        "runs": t.runs,
        "pass_rate": percent(t.pass_rate),
        "counts": f"{t.passed} passed, {t.failed} failed, {t.skipped} skipped",
        "median": seconds(d.median),
        "p90": seconds(d.p90),
        "cache": "-" if t.cache_rate is None else f"{percent(t.cache_rate)} ({t.cached})",
        "latest": f"{t.latest_status.value}, {seconds(t.latest_seconds)}",
    }


def _run_charts(runs: tuple[RunMeasures, ...], labels: tuple[str, ...]) -> list[dict[str, Any]]:
    specs: list[tuple[str, str, Callable[[RunMeasures], float | None], Callable[[float], str]]] = [
        ("run-seconds", "Run duration", lambda r: r.seconds, seconds),
        ("tests", "Tests run", lambda r: None if r.tests is None else float(r.tests.tests), _n),
        ("failing", "Failing tests", lambda r: None if r.tests is None else float(r.tests.failing), _n),
        ("coverage", "Line coverage", lambda r: r.coverage, lambda v: f"{v:.1f}%"),
        ("open", "Open findings (failing a gate)", lambda r: float(r.open_findings), _n),
        ("a11y", "Accessibility barriers", lambda r: _f(r.accessibility), _n),
        ("p95", "Load test p95 latency", lambda r: r.load_p95_ms, lambda v: f"{v:.0f} ms"),
        ("rps", "Load test requests per second", lambda r: r.load_rps, lambda v: f"{v:.0f}"),
    ]  # fmt: skip
    charts = []
    for ident, title, value, show_value in specs:
        values = tuple(value(r) for r in runs)
        if all(v is None for v in values):
            continue  # no run measured it: left out, said under the charts
        charts.append(_chart(ident, f"{title} per run", labels, values, show_value))
    return charts


def _chart(
    ident: str,
    title: str,
    labels: tuple[str, ...],
    values: tuple[float | None, ...],
    show_value: Callable[[float], str],
) -> dict[str, Any]:
    chart = Chart(ident, title, labels, values, show_value)
    return {
        "title": title,
        "svg": svg(chart),
        "rows": list(zip(labels, chart.shown(), strict=True)),
    }


def _matrix(r: RunMeasures) -> dict[str, Any]:
    """Findings by stage (rows) and severity (columns) of one run, each cell a filter link."""
    counts = {(stage, sev): n for stage, sev, n in r.by_stage_severity}
    stages = list(dict.fromkeys(stage for stage, _, _ in r.by_stage_severity))
    return {
        "run": r.run_id,
        "severities": [s.value for s in SEVERITIES],
        "rows": [
            {
                "stage": stage,
                "cells": [
                    {
                        "count": counts.get((stage, sev), 0),
                        "href": run_href(r.run_id, stage=stage, severity=sev.value) + "#findings",
                    }
                    for sev in SEVERITIES
                ],
            }
            for stage in stages
        ],
    }


def _n(value: float) -> str:
    return f"{value:.0f}"


def _f(value: int | None) -> float | None:
    return None if value is None else float(value)


# --- run page --------------------------------------------------------------------------------


def run_page(v: RunView) -> dict[str, Any]:
    from lockgate.metrics.builds import measure_run

    run, measured = v.run, measure_run(v.run)
    stage_names = tuple(r.stage for r in run.results)
    return {
        "run": _facts(run, measured),
        "project": run.project,
        "action": run_href(run.id),
        "service_href": service_href(run.project),
        "stages": [_stage(r, run.id) for r in run.results],
        "durations": _chart(
            "stage-seconds",
            "Stage durations in this run",
            stage_names,
            tuple(r.duration for r in run.results),
            seconds,
        )
        if run.results
        else None,
        "matrix": _matrix(measured) if measured.by_stage_severity else None,
        "filter": {
            "stage": v.filter.stage or "",
            "severity": v.filter.severity.value if v.filter.severity else "",
            "active": v.filter.active,
            "stages": stage_names,
            "severities": [s.value for s in SEVERITIES],
            "reset_href": run_href(run.id) + "#findings",
        },
        "findings": [_finding(f) for f in v.findings],
        "matched": v.matched,
        "total": v.total,
        "listed": len(v.findings),
        "tests": {
            "counts": v.tests.counts,
            "source": v.tests.source,
            "rows": [_test(c) for c in v.tests.cases],
            "passed_left_out": v.tests.passed_left_out,
        },
        "downloads": [
            {
                "label": d.label,
                "filename": d.filename,
                "size": f"{d.size:,} bytes",
                "href": f"{run_href(run.id)}/reports/{d.fmt}",
            }
            for d in v.downloads
        ],
        "report_folder": f".lockgate/reports/{run.id}",
    }


def _facts(run: Run, m: RunMeasures) -> list[tuple[str, str]]:
    facts = [
        ("project", run.project),
        ("status", run.status.value),
        ("branch", run.branch or "-"),
        ("commit", run.commit or "-"),
        ("started", show(run.started)),
        ("finished", show(run.finished) if run.finished else "not finished"),
        ("duration", seconds(m.seconds)),
        ("stages from the cache", f"{m.cached_stages} of {m.stages}"),
    ]
    if m.coverage is not None:
        facts.append(("line coverage", f"{m.coverage:.1f}%"))
    if m.accessibility is not None:
        facts.append(("accessibility barriers", str(m.accessibility)))
    if m.load_p95_ms is not None:
        facts.append(("load test p95", f"{m.load_p95_ms:.0f} ms"))
    if m.load_rps is not None:
        facts.append(("load test requests per second", f"{m.load_rps:.0f}"))
    return facts


def _stage(r: StageResult, run_id: str) -> dict[str, Any]:
    return {
        "stage": r.stage,
        "status": r.status.value,
        "seconds": seconds(r.duration),
        "cached": "yes" if r.cached else "no",
        "findings": len(r.findings),
        "open": len(r.open_findings),
        "href": run_href(run_id, stage=r.stage) + "#findings",
        "tests": len(r.test_cases),
        "unchecked": r.unchecked_count,
        "summary": r.summary,
    }


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "severity": f.severity.value,
        "stage": f.stage,
        "tool": f.tool,
        "rule": f.rule_id,
        "help": safe_href(f.help_uri),
        "message": f.message,
        "where": f.where or "-",
        "state": f.state.value.replace("_", " "),
        "reason": f.state_reason or "",
        "fix": f.help_text or "",
    }


def _test(c: TestCase) -> dict[str, Any]:
    return {
        "outcome": c.outcome,
        "failing": failing(c),
        "test": f"{c.classname}::{c.name}" if c.classname else c.name,
        "seconds": f"{c.duration:.2f}s",
        "message": c.message or "",
    }


def run_json(v: RunView) -> dict[str, Any]:
    """GET /api/v1/runs/{id}: the run, its stages, the filtered findings, tests and downloads."""
    run = v.run
    counts = v.tests.counts
    return {
        "schema": "lockgate-run/1",
        "run": {
            "id": run.id,
            "project": run.project,
            "status": run.status.value,
            "branch": run.branch,
            "commit": run.commit,
            "started": iso(run.started),
            "finished": iso(run.finished) if run.finished else None,
        },
        "stages": [
            {
                "stage": r.stage,
                "status": r.status.value,
                "duration_seconds": r.duration,
                "cached": r.cached,
                "findings": len(r.findings),
                "open_findings": len(r.open_findings),
                "unchecked": r.unchecked_count,
                "summary": r.summary,
                "metrics": [{"name": m.name, "value": m.value, "unit": m.unit} for m in r.metrics],
            }
            for r in run.results
        ],
        "filter": {
            "stage": v.filter.stage,
            "severity": v.filter.severity.value if v.filter.severity else None,
        },
        "findings_total": v.total,
        "findings_matched": v.matched,
        "findings": [
            {
                "stage": f.stage,
                "tool": f.tool,
                "rule_id": f.rule_id,
                "severity": f.severity.value,
                "state": f.state.value,
                "message": f.message,
                "where": f.where,
                "help_uri": f.help_uri,
            }
            for f in v.findings
        ],
        "tests": {
            "source": v.tests.source,
            "counts": None
            if counts is None
            else {
                "tests": counts.tests,
                "passed": counts.passed,
                "failed": counts.failed,
                "errors": counts.errors,
                "skipped": counts.skipped,
            },
            "cases": [
                {
                    "classname": c.classname,
                    "name": c.name,
                    "outcome": c.outcome,
                    "duration_seconds": c.duration,
                    "message": c.message,
                }
                for c in v.tests.cases
            ],
            "passed_left_out": v.tests.passed_left_out,
        },
        "downloads": [
            {
                "format": d.fmt,
                "filename": d.filename,
                "bytes": d.size,
                "url": f"{run_href(run.id)}/reports/{d.fmt}",
            }
            for d in v.downloads
        ],
    }

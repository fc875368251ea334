"""The `load` stage: drive the running service with Locust, hold it to latency, error and rps limits."""

from __future__ import annotations

import time
from typing import ClassVar

from lockgate.config.options import Option
from lockgate.errors import LockgateError
from lockgate.load import settings, target
from lockgate.load.interface import Breach, Outcome, Scenario, Summary
from lockgate.model import Finding, Metric, Severity, StageResult, Status, Unchecked, fingerprint
from lockgate.stages.deploy import served_url
from lockgate.stages.interface import Input, StageContext, StageKind
from lockgate.tools import proc

CHART = "load-chart.html"
_NO_URL_FIX = "pass `lockgate run --url http://127.0.0.1:PORT`, or run it after the deploy stage"


class LoadStage:
    name: ClassVar[str] = "load"
    kind: ClassVar[StageKind] = StageKind.VERIFICATION
    consumes: ClassVar[Input] = Input.URL
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = (
        "Load-test the running service with Locust (a scenario, its OpenAPI GET endpoints or its "
        "locustfile): p95/p99 latency, error rate and throughput against limits"
    )
    options: ClassVar[tuple[Option, ...]] = settings.OPTIONS

    def available(self, ctx: StageContext) -> str | None:
        from lockgate.load import runner

        if not proc.which("locust"):
            return f"Locust is missing: {runner.INSTALL_HINT}"
        if not ctx.options["url"]:
            return None  # the deploy stage's URL, or none: run() says so
        try:  # a URL given up front: bad input stops the run before any traffic
            url = str(ctx.options["url"])
            target.checked_url(url, allow_remote=bool(ctx.options["allow_remote"]))
            settings.topology(ctx.options)
            _scenario(ctx)
        except LockgateError as exc:
            return _text(exc)
        return None

    def cache_key(self, ctx: StageContext) -> str | None:
        return None  # a measurement of a running service, never a cached result

    def run(self, ctx: StageContext) -> StageResult:
        from lockgate.load import scenario

        start = time.monotonic()
        url, why_not = target_url(ctx)
        if url is None:
            return _skipped(why_not, _NO_URL_FIX)
        try:
            chosen = _scenario(ctx)
            if chosen is None:
                return _skipped(scenario.NO_SCENARIO, scenario.NO_SCENARIO_FIX)
            return _measure(ctx, url, chosen).with_(duration=time.monotonic() - start)
        except LockgateError as exc:
            return StageResult(stage=self.name, status=Status.ERROR, summary=_text(exc))


def _text(exc: LockgateError) -> str:
    where = f"{exc.where}: " if exc.where else ""
    return where + exc.message + (f"; fix: {exc.hint}" if exc.hint else "")


def _skipped(why: str, fix: str) -> StageResult:
    """Nothing measured: skipped with the reason, and named as not checked (never a pass)."""
    return StageResult(
        stage="load",
        status=Status.SKIPPED,
        summary=f"skipped: {why}",
        unchecked=(Unchecked("load on the running service", why, fix=fix),),
    )


def _scenario(ctx: StageContext) -> Scenario | None:
    from lockgate.load import scenario

    return scenario.choose(
        ctx.project,
        list(ctx.options["scenario"]),
        str(ctx.options["openapi"]),
        str(ctx.options["locustfile"]),
    )


def target_url(ctx: StageContext) -> tuple[str | None, str]:
    """The URL to test (`url`/`--url`, else the deploy stage's), or None and why there is none."""
    if ctx.options["url"]:
        return str(ctx.options["url"]), ""
    deployed = ctx.upstream.get("deploy")
    if deployed is None:
        return None, "no URL to test: pass `lockgate run --url URL`, or run it after `deploy`"
    if deployed.status is not Status.PASSED or any(
        f.rule_id == "deploy-failed" for f in deployed.findings
    ):
        return None, "no URL to test: the deploy stage did not deploy"
    url = served_url(deployed)
    if url is None:
        return None, "no URL to test: the deploy stage reported none; pass `lockgate run --url URL`"
    return url, ""


def _measure(ctx: StageContext, url: str, chosen: Scenario) -> StageResult:
    from lockgate.load import chart, runner, thresholds

    base = target.checked_url(url, allow_remote=bool(ctx.options["allow_remote"]))
    topology = settings.topology(ctx.options)
    target.check_reachable(base)
    outcome = runner.run(chosen, base, settings.bounds(ctx.options), topology, ctx.artifacts)
    if outcome.foreign_urls:
        raise LockgateError(
            "the locustfile sent requests to another host: " + ", ".join(outcome.foreign_urls[:3]),
            where=chosen.origin,
            hint="use paths relative to the target (self.client.get('/path')); lockgate stopped it",
        )
    if outcome.summary.requests == 0:
        raise LockgateError(
            "Locust sent no request",
            where=chosen.origin,
            hint="give the locustfile a User class with at least one task",
        )
    (ctx.artifacts / CHART).write_text(chart.page(outcome.summary, f"Load: {base}"), "utf-8")
    found = thresholds.breaches(outcome.summary, settings.thresholds(ctx.options))
    return _result(ctx, base, chosen, outcome, found)


def _result(
    ctx: StageContext, url: str, chosen: Scenario, outcome: Outcome, found: tuple[Breach, ...]
) -> StageResult:
    s = outcome.summary
    unchecked = list(chosen.unchecked)
    if outcome.hit_request_limit:
        unchecked.append(
            Unchecked(
                "load duration",
                f"the run stopped early at max_requests = {ctx.options['max_requests']}",
                fix="raise max_requests, or shorten duration",
            )
        )
    verdict = "; ".join(b.text for b in found) or "within its limits"
    return StageResult(
        stage="load",
        status=Status.WARNED if unchecked else Status.PASSED,
        findings=tuple(_finding(ctx, url, b, s) for b in found),
        metrics=_metrics(s),
        artifacts=tuple(p.name for p in (*outcome.artifacts, ctx.artifacts / CHART)),
        tool_versions=(("locust", _version()),),
        summary=f"{s.requests} requests from {chosen.source.value} ({chosen.origin}) to {url}: "
        f"{s.rps:.1f}/s, p95 {s.p95_ms:g} ms, {s.error_rate:.2f}% errors; {verdict}",
        unchecked=tuple(unchecked),
    )


def _finding(ctx: StageContext, url: str, breach: Breach, s: Summary) -> Finding:
    users, duration = ctx.options["users"], ctx.options["duration"]
    return Finding(
        stage="load",
        tool="locust",
        rule_id=f"load-{breach.key.replace('_', '-')}",
        message=f"{breach.text} ({s.requests} requests, {users} users, {duration} s)",
        severity=Severity.HIGH,
        # each run is a new measurement: a breach in the baseline must not hide the next one
        fingerprint=fingerprint(f"load-{breach.key}", url, ctx.run_id),
        url=url,
        help_text=f"Make the service meet {breach.key}, or change the limit in [stages.load].",
    )


def _metrics(s: Summary) -> tuple[Metric, ...]:
    return (
        Metric("load_requests", s.requests),
        Metric("load_rps", round(s.rps, 2), "req/s"),
        Metric("load_p50", s.p50_ms, "ms"),
        Metric("load_p95", s.p95_ms, "ms"),
        Metric("load_p99", s.p99_ms, "ms"),
        Metric("load_error_rate", round(s.error_rate, 3), "%"),
    )


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("locust")
    except metadata.PackageNotFoundError:
        return "unknown"

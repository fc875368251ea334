"""The `accessibility` stage: WCAG barriers of the running service, found in a real browser.

Two pinned rule engines (axe-core, HTML_CodeSniffer) and lockgate's own browser checks (keyboard,
focus, reflow, text size and spacing, page basics, link text) run in every page, pages in parallel
tabs of one Chromium; the engine is lockgate.a11y.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from lockgate.a11y import browser, sources, urls
from lockgate.a11y.engines import AXE, CHECKS, HTMLCS
from lockgate.a11y.interface import Issue, Outcome, Standard
from lockgate.config.options import Option, positive
from lockgate.model import Finding, Metric, Severity, StageResult, Status, Unchecked, fingerprint
from lockgate.secrets.redact import scrub
from lockgate.stages.deploy import served_url
from lockgate.stages.interface import Input, StageContext, StageKind

if TYPE_CHECKING:  # the browser driver loads when the stage runs: loading stages stays cheap
    from lockgate.a11y.audit import Settings

ENGINES = (AXE, HTMLCS, CHECKS)
REPORT = "accessibility.json"
SHOTS = "screenshots"
_VALUE = re.compile(r"""\bvalue=("[^"]*"|'[^']*')""")
_NO_URL_FIX = "pass `lockgate run --url http://127.0.0.1:PORT/`, or run it after the deploy stage"
MAX_TABS = 16  # each tab is a Chromium renderer: memory, and only so many cores


def _engines(value: Any) -> str | None:
    unknown = [v for v in value if v not in ENGINES]
    if unknown or not value:
        return f"a non-empty list from {', '.join(ENGINES)}"
    return None


def _interactions(value: Any) -> str | None:
    for table in value:
        if set(table) != {"path", "click"} or not all(
            isinstance(table[k], str) and table[k] for k in ("path", "click")
        ):
            return 'tables with two keys, path and click: {path = "/apply", click = "button"}'
    return None


def _tabs(value: Any) -> str | None:
    return None if 1 <= value <= MAX_TABS else f"a whole number from 1 to {MAX_TABS}"


def _url(value: Any) -> str | None:
    return None if value == "" else urls.check_url(value, allow_remote=True)


class AccessibilityStage:
    name: ClassVar[str] = "accessibility"
    kind: ClassVar[StageKind] = StageKind.VERIFICATION
    consumes: ClassVar[Input] = Input.URL
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = (
        "WCAG barriers of the running service in Chromium: axe-core and HTML_CodeSniffer, plus "
        "keyboard, focus, reflow, text-size, page-basics and link-text checks"
    )
    options: ClassVar[tuple[Option, ...]] = (
        Option(
            "fail_on",
            "str",
            "high",
            "Lowest severity that fails the gate (high = serious).",
            choices=tuple(s.value for s in Severity),
        ),
        Option(
            "url",
            "str",
            "",
            "the service to check (CLI: --url); empty: the deploy stage's URL",
            check=_url,
        ),
        Option("paths", "list[str]", [], "paths to check beside the URL itself, e.g. /apply"),
        Option("crawl", "bool", True, "also follow same-origin links, up to max_pages"),
        Option("max_pages", "int", 20, "most pages checked in a run", check=positive),
        Option(
            "standard",
            "str",
            Standard.WCAG22AA.value,
            "what pages are held to",
            choices=tuple(s.value for s in Standard),
        ),
        Option(
            "engines",
            "list[str]",
            list(ENGINES),
            "rule engines and lockgate's own browser checks to run",
            check=_engines,
        ),
        Option("browser", "str", browser.DEFAULT_BROWSER, "the Chromium binary (never downloaded)"),
        Option("page_timeout", "float", 30.0, "seconds a page may take to load", check=positive),
        Option(
            "tabs",
            "int",
            4,
            f"pages checked at once, each in a tab of the one browser (1 to {MAX_TABS})",
            check=_tabs,
        ),
        Option(
            "allow_remote",
            "bool",
            False,
            "check a URL that is not on this machine (else only loopback; other hosts' "
            "requests from the pages are refused)",
        ),
        Option(
            "interactions",
            "list[table]",
            [],
            "states that exist only after an action: [[stages.accessibility.interactions]] "
            'tables with path and click (a CSS selector), e.g. {path = "/apply", click = '
            '"button[type=submit]"} for the error summary of an empty form',
            check=_interactions,
        ),
        Option("screenshots", "bool", True, "a picture of each flagged element, as an artifact"),
    )

    def available(self, ctx: StageContext) -> str | None:
        if not ctx.options["url"] and "deploy" not in ctx.enabled_stages:
            return None  # nothing to check: run() says so
        if ctx.options["url"]:
            problem = urls.check_url(ctx.options["url"], allow_remote=ctx.options["allow_remote"])
            if problem is not None:
                return problem
        why = browser.problem(str(ctx.options["browser"]))
        if why is not None:
            return why
        wanted = [(AXE, sources.axe), (HTMLCS, sources.htmlcs)]
        for _name, find in (w for w in wanted if w[0] in ctx.options["engines"]):
            script = find()
            if isinstance(script, str):
                return f"{script}: {sources.INSTALL_HINT}"
        return None

    def cache_key(self, ctx: StageContext) -> str | None:
        return None  # a running service: never a cached result

    def run(self, ctx: StageContext) -> StageResult:
        start = time.monotonic()
        url, why_not = target_url(ctx)
        if url is None:
            return StageResult(
                stage=self.name,
                status=Status.SKIPPED,
                summary=f"skipped: {why_not}",
                unchecked=(Unchecked("the running service", why_not, fix=_NO_URL_FIX),),
            )
        from lockgate.a11y.audit import audit

        outcome = audit(self._settings(ctx, url))
        (ctx.artifacts / REPORT).write_text(_report(outcome))
        return self._result(ctx, url, outcome, time.monotonic() - start)

    def _settings(self, ctx: StageContext, url: str) -> Settings:
        from lockgate.a11y.audit import Interaction, Settings

        o = ctx.options
        return Settings(
            url=url,
            paths=tuple(o["paths"]),
            max_pages=int(o["max_pages"]),
            crawl=bool(o["crawl"]),
            standard=Standard(o["standard"]),
            page_timeout=float(o["page_timeout"]),
            browser=str(o["browser"]),
            allow_remote=bool(o["allow_remote"]),
            engines=tuple(o["engines"]),
            screenshots=ctx.artifacts / SHOTS if o["screenshots"] else None,
            interactions=tuple(Interaction(t["path"], t["click"]) for t in o["interactions"]),
            tabs=int(o["tabs"]),
        )

    def _result(self, ctx: StageContext, url: str, out: Outcome, seconds: float) -> StageResult:
        unchecked = tuple(
            Unchecked(
                s.url,
                s.reason,
                fix="make the page load (is the service up?), or raise page_timeout",
            )
            for s in out.skipped
        )
        findings = tuple(finding(self.name, i) for i in out.issues)
        if not out.pages:
            reasons = "; ".join(f"{s.url}: {s.reason}" for s in out.skipped) or "no page found"
            return StageResult(
                stage=self.name,
                status=Status.ERROR,
                duration=seconds,
                summary=f"no page could be checked ({reasons}); fix: check that the service "
                f"is running at {url} and serves HTML pages there (a service without pages: set "
                "enabled = false in [stages.accessibility])",
                unchecked=unchecked,
            )
        return StageResult(
            stage=self.name,
            status=Status.WARNED if unchecked else Status.PASSED,
            findings=findings,
            metrics=(
                Metric("pages_checked", len(out.pages), "pages"),
                Metric("pages_not_checked", len(out.skipped), "pages"),
                Metric("seconds_per_page", round(out.seconds_per_page, 3), "s"),
                Metric("barriers", len(findings), "findings"),
            ),
            artifacts=(
                str(ctx.artifacts / REPORT),
                *(str(ctx.artifacts / s) for s in out.screenshots),
            ),
            duration=seconds,
            tool_versions=_versions(ctx),
            summary=f"{len(findings)} barrier(s) on {len(out.pages)} page(s) from {url} "
            f"({ctx.options['standard']})",
            unchecked=unchecked,
        )


def target_url(ctx: StageContext) -> tuple[str | None, str]:
    """The URL to check (`url`/`--url`, else the deploy stage's), or None and why there is none."""
    if ctx.options["url"]:
        return str(ctx.options["url"]), ""
    deployed = ctx.upstream.get("deploy")
    if deployed is None:
        return None, "no URL to check: no --url given and the deploy stage did not run"
    url = served_url(deployed)
    if url is None:
        return None, f"no URL to check: the deploy stage reported none ({deployed.summary[:200]})"
    return url, ""


def finding(stage: str, issue: Issue) -> Finding:
    parts = urlsplit(issue.page)
    page = parts.path + (
        f"?{parts.query}" if parts.query else ""
    )  # not the host: review ports change
    criteria = ", ".join(issue.criteria) or "best practice"
    text = (
        f"{issue.message} [WCAG {criteria}; {' + '.join(issue.engines or (issue.engine,))}]"
        f" element: {redact(issue.snippet)}"
        + (f" (screenshot: {issue.screenshot})" if issue.screenshot else "")
    )
    return Finding(
        stage=stage,
        tool=issue.engine,
        rule_id=issue.rule_id,
        message=text,
        severity=issue.impact.severity,
        fingerprint=fingerprint(f"a11y:{issue.rule_id}", page, issue.selector),
        url=issue.page,
        selector=issue.selector,
        help_uri=issue.help_url or None,
        tags=("accessibility", *(f"WCAG-{c}" for c in issue.criteria), f"impact:{issue.impact}"),
    )


def redact(snippet: str) -> str:
    """An element's HTML as reports may show it: field values and known secrets removed."""
    return scrub(_VALUE.sub('value="[REDACTED]"', snippet))


def _report(out: Outcome) -> str:
    data = asdict(out)
    for issue in data["issues"]:
        issue["snippet"] = redact(issue["snippet"])
    return json.dumps(data, indent=2, default=str)


def _versions(ctx: StageContext) -> tuple[tuple[str, str], ...]:
    """The engines' versions, named as their findings' tool (a SARIF run each)."""
    versions = []
    for name, find in ((AXE, sources.axe), (HTMLCS, sources.htmlcs)):
        script = find()
        if name in ctx.options["engines"] and not isinstance(script, str):
            versions.append((name, script.version))
    return tuple(versions)

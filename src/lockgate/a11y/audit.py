"""One audit: open the browser once, visit the pages (paths, then the crawl), run every engine and
check in each, merge what they found."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import re
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from lockgate.a11y import browser, pagejs, sources, urls
from lockgate.a11y.checks import Keyboard, PageChecks, Reflow
from lockgate.a11y.engines import AXE, CHECKS, HTMLCS, Axe, HtmlCodeSniffer
from lockgate.a11y.interface import Engine, Issue, Outcome, PageSkip, Standard
from lockgate.a11y.merge import merge
from lockgate.errors import LockgateError

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page, Route

_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")
SHOT_LIMIT = 25  # element pictures per page


@dataclass(frozen=True)
class Settings:
    url: str
    paths: tuple[str, ...] = ()
    max_pages: int = 20
    crawl: bool = True
    standard: Standard = Standard.WCAG22AA
    page_timeout: float = 30.0
    browser: str = browser.DEFAULT_BROWSER
    allow_remote: bool = False
    engines: tuple[str, ...] = (AXE, HTMLCS, CHECKS)
    screenshots: Path | None = None  # folder for element pictures; None: none taken
    interactions: tuple[Interaction, ...] = ()
    tabs: int = 4  # pages checked at once, each in its own tab of the one browser


@dataclass(frozen=True)
class Interaction:
    """A state that exists only after an action: on the page at `path`, click `click`."""

    path: str
    click: str


def engines_of(names: tuple[str, ...]) -> list[Engine]:
    out: list[Engine] = []
    if AXE in names:
        out.append(Axe())
    if HTMLCS in names:
        out.append(HtmlCodeSniffer())
    if CHECKS in names:
        out += [PageChecks(), Keyboard(), Reflow()]
    return out


def init_script(names: tuple[str, ...]) -> str:
    """lockgate's helpers and the chosen engines' scripts, run in every page before its own."""
    parts = [pagejs.HELPERS, pagejs.LOOK]
    for name, find in ((AXE, sources.axe), (HTMLCS, sources.htmlcs)):
        if name in names:
            script = find()
            if isinstance(script, str):
                raise LockgateError(script, hint=sources.INSTALL_HINT)
            parts.append(script.path.read_text(encoding="utf-8"))
    return "\n;\n".join(parts)


def audit(settings: Settings) -> Outcome:
    """Check the pages of `settings.url` in one Chromium, up to `settings.tabs` at a time."""
    urls.require_url(settings.url, allow_remote=settings.allow_remote)
    script = init_script(settings.engines)
    engines = engines_of(settings.engines)
    why = browser.problem(settings.browser)
    if why is not None:
        raise LockgateError(why)
    from playwright.async_api import Error

    try:
        return asyncio.run(_audit(settings, script, engines))
    except Error as exc:  # the browser itself went away: each page's own trouble is caught there
        raise LockgateError(
            f"Chromium failed during the audit: {_first_line(exc)}",
            hint="run it again; if it fails again, check that Chromium starts here "
            f"({settings.browser} --headless --no-sandbox --dump-dom about:blank)",
        ) from None


async def _audit(settings: Settings, script: str, engines: list[Engine]) -> Outcome:
    async with browser.launched(settings.browser) as chromium:
        context = await chromium.new_context(
            viewport={"width": 1280, "height": 800}, bypass_csp=True
        )
        await context.add_init_script(script=script)
        if not settings.allow_remote:
            await context.route("**/*", _loopback_only)
        try:
            return await _visit_all(context, settings, engines)
        finally:
            await context.close()


async def _loopback_only(route: Route) -> None:
    """Traffic stays on this machine: a page's requests elsewhere (fonts, analytics) are refused."""
    url = route.request.url
    if url.startswith(("http:", "https:", "ws:", "wss:")) and not urls.is_loopback(url):
        await route.abort("blockedbyclient")
    else:
        await route.continue_()


NOT_HTML = "is not an HTML page"


@dataclass
class _Checked:
    """What one page gave: the checked URL (None when it was not checked), its issues, pages not
    checked on the way (the page itself, or its interactions), its links, its pictures."""

    url: str | None = None
    issues: list[Issue] = field(default_factory=list)
    skipped: list[PageSkip] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    shots: list[str] = field(default_factory=list)
    document: bool = False  # a file the crawl reached (JSON, PDF): neither checked nor listed


class _Pages:
    """The pages to check, handed out in order to the tabs. A page's links join the queue in the
    order its page was handed out (not the order tabs finish), so the pages a run checks, and their
    order, are those of checking one page after another."""

    def __init__(self, settings: Settings, start: list[str]) -> None:
        self.settings = settings
        self.queue = deque(start)
        self.seen: set[str] = set()
        self.counted = 0  # pages handed out towards max_pages (documents are given back)
        self.handed = 0
        self.busy = 0
        self.done: dict[int, _Checked] = {}
        self.flushed = 0
        self.changed = asyncio.Condition()

    async def next(self) -> tuple[int, str] | None:
        """The next page to check and its place; None when there is nothing left to hand out."""
        async with self.changed:
            while True:
                while self.queue and self.counted < self.settings.max_pages:
                    url = self.queue.popleft()
                    if url in self.seen:
                        continue
                    self.seen.add(url)
                    self.counted += 1
                    self.busy += 1
                    self.handed += 1
                    return self.handed - 1, url
                if not self.busy:
                    return None
                await self.changed.wait()

    async def finish(self, place: int, checked: _Checked) -> None:
        async with self.changed:
            self.busy -= 1
            self.counted -= checked.document
            self.done[place] = checked
            while self.flushed in self.done:
                links = self.done[self.flushed].links if self.settings.crawl else []
                self.queue += [u for u in urls.same_origin_pages(self.settings.url, links)]
                self.flushed += 1
            self.changed.notify_all()

    def results(self) -> list[_Checked]:
        return [self.done[k] for k in sorted(self.done)]


async def _visit_all(context: BrowserContext, settings: Settings, engines: list[Engine]) -> Outcome:
    start = urls.start_pages(settings.url, list(settings.paths))
    asked = set(start)  # pages asked for by name; the rest were found by the crawl
    if settings.crawl:
        start += [u for u in await _sitemap(context, settings) if u not in start]
    pages = _Pages(settings, start)
    started = time.monotonic()
    await asyncio.gather(
        *(_tab(context, pages, settings, engines, asked) for _ in range(max(settings.tabs, 1)))
    )
    results = pages.results()
    checked = [r.url for r in results if r.url is not None]
    per_page = (time.monotonic() - started) / max(len(checked), 1)
    return Outcome(
        issues=tuple(i for r in results for i in r.issues),
        pages=tuple(checked),
        skipped=tuple(s for r in results for s in r.skipped),
        seconds_per_page=per_page,
        screenshots=tuple(n for r in results for n in r.shots),
    )


async def _tab(
    context: BrowserContext,
    pages: _Pages,
    settings: Settings,
    engines: list[Engine],
    asked: set[str],
) -> None:
    """One tab checking pages until none are left; opened only when it has a page to check."""
    from playwright.async_api import Error

    page: Page | None = None
    try:
        while (handed := await pages.next()) is not None:
            place, url = handed
            if page is None:
                page = await context.new_page()
            try:
                checked = await _check(page, url, settings, engines, url in asked)
            except Error as exc:  # the page went away under the checks (a redirect, a crash)
                checked = _Checked(
                    skipped=[PageSkip(url, f"could not be checked: {_first_line(exc)}")]
                )
                await _close(page)
                page = None  # the next page gets a fresh tab
            await pages.finish(place, checked)
    finally:
        if page is not None:
            await _close(page)


async def _close(page: Page) -> None:
    from playwright.async_api import Error

    with contextlib.suppress(Error):  # already gone with its browser
        await page.close()


async def _check(
    page: Page, url: str, settings: Settings, engines: list[Engine], asked: bool
) -> _Checked:
    """One page in its tab: the engines and checks, then its interactions, then the pictures."""
    found, links, why = await _visit(page, url, settings, engines)
    if why is not None and why.startswith(NOT_HTML) and not asked:
        return _Checked(document=True)  # a document the crawl reached (JSON, a PDF) is no page
    if why is not None:
        return _Checked(skipped=[PageSkip(url, why)])
    done = _Checked(url=page.url, links=links)
    found += await _after_actions(page, url, settings, engines, done.skipped)
    found = merge(found)
    if settings.screenshots is not None:
        found = await _pictures(page, found, settings.screenshots, done.shots)
    done.issues = found
    return done


async def _after_actions(
    page: Page, url: str, settings: Settings, engines: list[Engine], skipped: list[PageSkip]
) -> list[Issue]:
    """The page's issues after each configured action on it (from a fresh load each time)."""
    from playwright.async_api import Error

    found: list[Issue] = []
    acted = False
    for action in settings.interactions:
        if urls.normal(urljoin(settings.url, action.path)) != url:
            continue
        what = f"{url} after clicking {action.click}"
        try:
            if acted:  # the page is in an earlier action's state: start again
                await page.goto(url, wait_until="load")
            acted = True
            await page.click(action.click)
            await page.wait_for_load_state("load")
            run = await check_page(page, engines, settings.standard)
        except Error as exc:
            skipped.append(PageSkip(what, f"the action failed: {_first_line(exc)}"))
            continue
        if run.failed is not None:
            skipped.append(PageSkip(what, run.failed))
            continue
        after = run.issues
        found += [replace(i, message=f"After clicking {action.click}: {i.message}") for i in after]
    return found


async def _sitemap(context: BrowserContext, settings: Settings) -> list[str]:
    """Same-origin pages listed in the site's /sitemap.xml (none when it has none)."""
    from playwright.async_api import Error

    try:
        answer = await context.request.get(
            urljoin(settings.url, "/sitemap.xml"), timeout=settings.page_timeout * 1000
        )
        if not answer.ok:
            return []
        text = (await answer.text())[:2_000_000]
    except Error:
        return []
    return urls.same_origin_pages(settings.url, [html.unescape(m) for m in _LOC.findall(text)])


async def _visit(
    page: Page, url: str, settings: Settings, engines: list[Engine]
) -> tuple[list[Issue], list[str], str | None]:
    """(issues, links, None) for a page checked, ([], [], why) for one that could not be."""
    from playwright.async_api import Error, TimeoutError

    page.set_default_timeout(settings.page_timeout * 1000)
    try:
        response = await page.goto(url, wait_until="load", timeout=settings.page_timeout * 1000)
    except TimeoutError:
        return [], [], f"did not finish loading within {settings.page_timeout:g} s (page_timeout)"
    except Error as exc:
        return [], [], f"could not be loaded: {_first_line(exc)}"
    if response is not None and response.status >= 400:
        return [], [], f"answered HTTP {response.status}"
    kind = response.headers.get("content-type", "") if response is not None else "text/html"
    if "html" not in kind:
        return [], [], f"{NOT_HTML} ({kind.split(';')[0] or 'no content type'})"
    run = await check_page(page, engines, settings.standard)
    return run.issues, run.links, run.failed


@dataclass(frozen=True)
class PageRun:
    """What the engines found in one loaded page, its links, and the engine that failed in it."""

    issues: list[Issue]
    links: list[str]
    failed: str | None = None  # "Axe failed in the page: ..."; the issues are then not to be used
    seconds: dict[str, float] = field(default_factory=dict)  # per engine: in the page, then after


async def check_page(page: Page, engines: list[Engine], standard: Standard) -> PageRun:
    """Every engine on the loaded `page`: their scripts in one call into the page (a round trip
    each cost as much as a small engine), then what each does after its script, in order."""
    from playwright.async_api import Error

    scripts = [e.script(standard) for e in engines]
    fns = [s[0] for s in scripts if s is not None] + [pagejs.LINKS_FN]
    args = [s[1] for s in scripts if s is not None] + [None]
    answers: Iterator[dict[str, Any]] = iter(await page.evaluate(pagejs.run_all(fns), args))
    nothing: dict[str, Any] = {"value": None, "ms": 0.0}  # an engine with no script
    seconds: dict[str, float] = {}
    found: list[Issue] = []
    for engine, script in zip(engines, scripts, strict=True):
        answer = next(answers) if script is not None else nothing
        name = type(engine).__name__
        if "error" in answer:
            return PageRun([], [], f"{name} failed in the page: {answer['error'][:300]}")
        started = time.perf_counter()
        try:
            found += await engine.findings(page, standard, answer["value"])
        except Error as exc:
            return PageRun([], [], f"{name} failed in the page: {_first_line(exc)}")
        seconds[name] = answer["ms"] / 1000 + time.perf_counter() - started
    links = next(answers)
    return PageRun(found, list(links.get("value") or []), None, seconds)


async def _pictures(page: Page, issues: list[Issue], folder: Path, names: list[str]) -> list[Issue]:
    """Each element's picture under `folder` (the page's top for whole-page issues)."""
    from playwright.async_api import Error

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k, issue in enumerate(issues):
        if k >= SHOT_LIMIT or issue.selector == "html" or " >>> " in issue.selector:
            out.append(issue)
            continue
        key = f"{issue.page}\0{issue.selector}\0{issue.rule_id}".encode()
        name = f"{hashlib.sha256(key).hexdigest()[:16]}.png"
        try:
            await page.locator(issue.selector).first.screenshot(path=folder / name, timeout=2000)
        except Error:
            out.append(issue)  # hidden or detached: the finding stands without a picture
            continue
        names.append(name)
        out.append(replace(issue, screenshot=f"{folder.name}/{name}"))
    return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__

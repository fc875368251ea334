"""One audit: open the browser once, visit the pages (paths, then the crawl), run every engine and
check in each, merge what they found."""

from __future__ import annotations

import hashlib
import html
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from lockgate.a11y import browser, pagejs, sources, urls
from lockgate.a11y.checks import Keyboard, PageChecks, Reflow
from lockgate.a11y.engines import AXE, HTMLCS, Axe, HtmlCodeSniffer
from lockgate.a11y.interface import Engine, Issue, Outcome, PageSkip, Standard
from lockgate.a11y.merge import merge
from lockgate.errors import LockgateError

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Route

_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")
CHECKS = "checks"  # lockgate's own checks, beside the engines
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
    urls.require_url(settings.url, allow_remote=settings.allow_remote)
    script = init_script(settings.engines)
    engines = engines_of(settings.engines)
    with browser.launched(settings.browser) as chromium:
        context = chromium.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
        context.add_init_script(script=script)
        if not settings.allow_remote:
            context.route("**/*", _loopback_only)
        try:
            return _visit_all(context, settings, engines)
        finally:
            context.close()


def _loopback_only(route: Route) -> None:
    """Traffic stays on this machine: a page's requests elsewhere (fonts, analytics) are refused."""
    url = route.request.url
    if url.startswith(("http:", "https:", "ws:", "wss:")) and not urls.is_loopback(url):
        route.abort("blockedbyclient")
    else:
        route.continue_()


NOT_HTML = "is not an HTML page"


def _visit_all(context: BrowserContext, settings: Settings, engines: list[Engine]) -> Outcome:
    queue = urls.start_pages(settings.url, list(settings.paths))
    asked = set(queue)  # pages asked for by name; the rest were found by the crawl
    if settings.crawl:
        queue += [u for u in _sitemap(context, settings) if u not in queue]
    seen: set[str] = set()
    checked: list[str] = []
    skipped: list[PageSkip] = []
    issues: list[Issue] = []
    shots: list[str] = []
    started = time.monotonic()
    page = context.new_page()  # one tab, reused: opening a tab costs as much as checking a page
    while queue and len(checked) + len(skipped) < settings.max_pages:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        found, links, why = _visit(page, url, settings, engines)
        if why is not None and why.startswith(NOT_HTML) and url not in asked:
            continue  # a document the crawl reached (JSON, a PDF) is not a page: nothing unchecked
        if why is not None:
            skipped.append(PageSkip(url, why))
            if page.is_closed():
                page = context.new_page()
            continue
        checked.append(page.url)
        found += _after_actions(page, url, settings, engines, skipped)
        found = merge(found)
        if settings.screenshots is not None:
            found = _pictures(page, found, settings.screenshots, shots)
        issues += found
        if settings.crawl:
            queue += [u for u in urls.same_origin_pages(settings.url, links) if u not in seen]
    page.close()
    per_page = (time.monotonic() - started) / max(len(checked), 1)
    return Outcome(tuple(issues), tuple(checked), tuple(skipped), per_page, tuple(shots))


def _after_actions(
    page: Page, url: str, settings: Settings, engines: list[Engine], skipped: list[PageSkip]
) -> list[Issue]:
    """The page's issues after each configured action on it (from a fresh load each time)."""
    from playwright.sync_api import Error

    found: list[Issue] = []
    acted = False
    for action in settings.interactions:
        if urls.normal(urljoin(settings.url, action.path)) != url:
            continue
        what = f"{url} after clicking {action.click}"
        try:
            if acted:  # the page is in an earlier action's state: start again
                page.goto(url, wait_until="load")
            acted = True
            page.click(action.click)
            page.wait_for_load_state("load")
            after = [i for e in engines for i in e.run(page, settings.standard)]
        except Error as exc:
            skipped.append(PageSkip(what, f"the action failed: {_first_line(exc)}"))
            continue
        found += [replace(i, message=f"After clicking {action.click}: {i.message}") for i in after]
    return found


def _sitemap(context: BrowserContext, settings: Settings) -> list[str]:
    """Same-origin pages listed in the site's /sitemap.xml (none when it has none)."""
    from playwright.sync_api import Error

    try:
        answer = context.request.get(
            urljoin(settings.url, "/sitemap.xml"), timeout=settings.page_timeout * 1000
        )
        if not answer.ok:
            return []
        text = answer.text()[:2_000_000]
    except Error:
        return []
    return urls.same_origin_pages(settings.url, [html.unescape(m) for m in _LOC.findall(text)])


def _visit(
    page: Page, url: str, settings: Settings, engines: list[Engine]
) -> tuple[list[Issue], list[str], str | None]:
    """(issues, links, None) for a page checked, ([], [], why) for one that could not be."""
    from playwright.sync_api import Error, TimeoutError

    page.set_default_timeout(settings.page_timeout * 1000)
    try:
        response = page.goto(url, wait_until="load", timeout=settings.page_timeout * 1000)
    except TimeoutError:
        return [], [], f"did not finish loading within {settings.page_timeout:g} s (page_timeout)"
    except Error as exc:
        return [], [], f"could not be loaded: {_first_line(exc)}"
    if response is not None and response.status >= 400:
        return [], [], f"answered HTTP {response.status}"
    kind = response.headers.get("content-type", "") if response is not None else "text/html"
    if "html" not in kind:
        return [], [], f"{NOT_HTML} ({kind.split(';')[0] or 'no content type'})"
    links: list[str] = page.evaluate(pagejs.LINKS_FN)
    found: list[Issue] = []
    for engine in engines:
        try:
            found += engine.run(page, settings.standard)
        except Error as exc:
            return [], links, f"{type(engine).__name__} failed in the page: {_first_line(exc)}"
    return found, links, None


def _pictures(page: Page, issues: list[Issue], folder: Path, names: list[str]) -> list[Issue]:
    """Each element's picture under `folder` (the page's top for whole-page issues)."""
    from playwright.sync_api import Error

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k, issue in enumerate(issues):
        if k >= SHOT_LIMIT or issue.selector == "html" or " >>> " in issue.selector:
            out.append(issue)
            continue
        key = f"{issue.page}\0{issue.selector}\0{issue.rule_id}".encode()
        name = f"{hashlib.sha256(key).hexdigest()[:16]}.png"
        try:
            page.locator(issue.selector).first.screenshot(path=folder / name, timeout=2000)
        except Error:
            out.append(issue)  # hidden or detached: the finding stands without a picture
            continue
        names.append(name)
        out.append(replace(issue, screenshot=f"{folder.name}/{name}"))
    return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__

"""Barriers rule engines miss, checked in the browser: page basics and link text (in the page),
text at 200 % and with wider spacing, keyboard reachability, focus traps and visible focus (real
Tab presses), reflow at 320 CSS px."""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

from lockgate.a11y import pagejs
from lockgate.a11y.interface import Impact, Issue, Standard

if TYPE_CHECKING:
    from playwright.async_api import CDPSession, Page, ViewportSize

LOCKGATE = "lockgate"
MAX_PRESSES = 300  # Tab presses per pass (two at most): the Tab order beyond is not walked
REFLOW_WIDTH = 320
VAGUE_LINK_TEXT = (
    "click here",
    "click",
    "here",
    "more",
    "read more",
    "learn more",
    "find out more",
    "more info",
    "more information",
    "details",
    "link",
    "this link",
    "this page",
    "continue reading",
    "go",
)
# Abbreviations readers know without an expansion (GOV.UK's style guide names UK, DVLA, US, EU,
# VAT and MP), and the everyday ones of the web.
KNOWN_ABBREVIATIONS = (
    "UK",
    "GOV",
    "US",
    "USA",
    "EU",
    "UN",
    "VAT",
    "MP",
    "MPS",
    "DVLA",
    "NHS",
    "BBC",
    "TV",
    "OK",
    "ID",
    "PIN",
    "PDF",
    "URL",
    "FAQ",
    "FAQS",
    "HTML",
    "CSS",
    "API",
    "AM",
    "PM",
    "GP",
    "CV",
    "DIY",
    "PS",
    # the web's own words, which technical pages use unexplained as a matter of course
    "HTTP",
    "HTTPS",
    "JSON",
    "XML",
    "YAML",
    "CSV",
    "SQL",
    "DNS",
    "IP",
    "TLS",
    "SSH",
    "CLI",
    "SDK",
    "UI",
    "UTC",
    "CDN",
    "SMS",
    "IT",
)
_HELP = {
    "1.3.1": "https://www.w3.org/WAI/WCAG22/Understanding/info-and-relationships",
    "1.4.4": "https://www.w3.org/WAI/WCAG22/Understanding/resize-text",
    "1.4.10": "https://www.w3.org/WAI/WCAG22/Understanding/reflow",
    "2.1.1": "https://www.w3.org/WAI/WCAG22/Understanding/keyboard",
    "2.1.2": "https://www.w3.org/WAI/WCAG22/Understanding/no-keyboard-trap",
    "2.4.1": "https://www.w3.org/WAI/WCAG22/Understanding/bypass-blocks",
    "2.4.2": "https://www.w3.org/WAI/WCAG22/Understanding/page-titled",
    "2.4.4": "https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context",
    "2.4.7": "https://www.w3.org/WAI/WCAG22/Understanding/focus-visible",
    "3.1.1": "https://www.w3.org/WAI/WCAG22/Understanding/language-of-page",
    "1.3.3": "https://www.w3.org/WAI/WCAG22/Understanding/sensory-characteristics",
    "2.4.3": "https://www.w3.org/WAI/WCAG22/Understanding/focus-order",
    "3.1.4": "https://www.w3.org/WAI/WCAG22/Understanding/abbreviations",
    "1.4.2": "https://www.w3.org/WAI/WCAG22/Understanding/audio-control",
    "1.4.12": "https://www.w3.org/WAI/WCAG22/Understanding/text-spacing",
    "2.2.2": "https://www.w3.org/WAI/WCAG22/Understanding/pause-stop-hide",
    "3.3.1": "https://www.w3.org/WAI/WCAG22/Understanding/error-identification",
}


def _issue(
    page: Page, rule: str, criteria: tuple[str, ...], impact: Impact, raw: Any, message: str
) -> Issue:
    return Issue(
        engine=LOCKGATE,
        rule_id=rule,
        criteria=criteria,
        impact=impact,
        page=page.url,
        selector=str(raw["selector"]),
        snippet=str(raw.get("snippet", "")),
        message=message,
        help_url=_HELP.get(criteria[0], "") if criteria else "",
    )


class PageChecks:
    """Language, title, main landmark, skip link, heading order, vague link text, mouse-only
    controls, autoplay, instructions by position or colour, error messages not tied to their
    field, moving content that cannot be paused, a positive tabindex; at level AA and above, text
    cut off or overlapping at 200 % (1.4.4), text cut off by wider text spacing (1.4.12) and
    abbreviations never spelled out (3.1.4, level AAA: minor)."""

    name = LOCKGATE

    def script(self, standard: Standard) -> tuple[str, Any]:
        args = {
            "vague": list(VAGUE_LINK_TEXT),
            "aa": standard is not Standard.WCAG2A,
            "known": list(KNOWN_ABBREVIATIONS),
        }
        return pagejs.PAGE_CHECKS_FN, args

    async def findings(self, page: Page, standard: Standard, raw: Any) -> list[Issue]:
        return [
            _issue(page, r["rule"], tuple(r["criteria"]), Impact(r["impact"]), r, r["message"])
            for r in raw
        ]


class Keyboard:
    """Tabs through the page: a focus trap (2.1.2) and focus with no visible indicator (2.4.7)."""

    name = LOCKGATE

    def script(self, standard: Standard) -> tuple[str, Any]:
        return pagejs.FOCUSABLES_FN, None  # the stops Tab should reach; focus changes logged

    async def findings(self, page: Page, standard: Standard, raw: Any) -> list[Issue]:
        stops: list[dict[str, Any]] = raw
        if not stops:
            return []
        looks = {s["selector"]: s["look"] for s in stops}
        presses = min(len(stops) + 2, MAX_PRESSES)
        log = await self._presses(page, presses)
        if None not in log:  # focus never left the page: Tab on, to tell a trap from a long page
            log = await self._presses(page, presses)
            presses *= 2
        left = None in log
        walk = [e for e in log[: log.index(None) if left else len(log)] if e and not e["frame"]]
        issues = self._invisible(page, walk, looks) if standard is not Standard.WCAG2A else []
        framed = any(e and e["frame"] for e in log)  # Tab inside a frame is not seen from here
        if walk and not left and not framed:
            cycle = _cycle(walk, kept_moving=len(log) >= presses)
            if cycle is not None:
                issues.append(self._trap(page, walk[-1], cycle, len(looks)))
        return issues

    async def _presses(self, page: Page, count: int) -> list[dict[str, Any] | None]:
        """Press Tab `count` times; the focus log so far (None where focus left the document).

        The presses are sent without waiting for each to be acknowledged (Chromium handles them
        in order): a round trip per press cost 10-30 ms, most of the walk."""
        await asyncio.gather(*(page.keyboard.press("Tab") for _ in range(count)))
        log: list[dict[str, Any] | None] = await page.evaluate(pagejs.FOCUS_LOG_FN)
        return log

    def _trap(self, page: Page, focused: dict[str, Any], cycle: list[str], total: int) -> Issue:
        return _issue(
            page,
            "focus-trap",
            ("2.1.2",),
            Impact.CRITICAL,
            focused,
            f"Keyboard focus is trapped: Tab cycles through {len(cycle)} element(s) and never"
            f" reaches the other {max(total - len(cycle), 0)} or leaves the page",
        )

    def _invisible(
        self, page: Page, walk: list[dict[str, Any]], looks: dict[str, str]
    ) -> list[Issue]:
        """Stops whose look did not change when focused, with no outline (2.4.7, level AA)."""
        issues: list[Issue] = []
        shown: set[str] = set()
        for entry in walk:
            if entry["selector"] in shown:
                continue
            shown.add(entry["selector"])
            unchanged = looks.get(entry["selector"]) == entry["look"] and not entry["moving"]
            if unchanged and entry["bare"]:
                issues.append(
                    _issue(
                        page,
                        "focus-visible",
                        ("2.4.7",),
                        Impact.SERIOUS,
                        entry,
                        "Nothing shows where keyboard focus is on this element (no outline or style"
                        " change on :focus): give it a visible focus style",
                    )
                )
        return issues


class Reflow:
    """At 320 CSS px wide, the page must not scroll sideways (1.4.10); scroll containers are exempt.

    The width is changed through the DevTools protocol, not Playwright's set_viewport_size, which
    also resizes the browser window (twice the time, and this check runs on every page); it is set
    back to exactly what Playwright set, so Playwright's own state stays true."""

    name = LOCKGATE

    def __init__(self) -> None:
        self._sessions: weakref.WeakKeyDictionary[Page, CDPSession] = weakref.WeakKeyDictionary()

    def script(self, standard: Standard) -> None:
        return None

    async def findings(self, page: Page, standard: Standard, raw: Any) -> list[Issue]:
        if standard is Standard.WCAG2A:
            return []  # 1.4.10 is level AA
        session = self._sessions.get(page)
        if session is None:
            session = self._sessions[page] = await page.context.new_cdp_session(page)
        size = page.viewport_size or {"width": 1280, "height": 800}
        await session.send("Emulation.setDeviceMetricsOverride", _metrics(REFLOW_WIDTH, size))
        try:
            found: list[dict[str, Any]] = await page.evaluate(pagejs.REFLOW_FN, REFLOW_WIDTH)
        finally:
            await session.send("Emulation.setDeviceMetricsOverride", _metrics(size["width"], size))
        return [
            _issue(
                page,
                "reflow",
                ("1.4.10",),
                Impact.SERIOUS,
                r,
                f"At {REFLOW_WIDTH} CSS px wide this element reaches {r['right']} px, so the page"
                " scrolls sideways: let it wrap or shrink (max-width: 100%)",
            )
            for r in found
        ]


def _metrics(width: int, size: ViewportSize) -> dict[str, Any]:
    """What Playwright sends for a viewport (the screen the size of the viewport, as for a context
    made with a viewport and no screen), at `width`."""
    return {
        "mobile": False,
        "width": width,
        "height": size["height"],
        "screenWidth": width,
        "screenHeight": size["height"],
        "deviceScaleFactor": 1,
        "screenOrientation": {"angle": 0, "type": "landscapePrimary"},
    }


def _cycle(walk: list[dict[str, Any]], *, kept_moving: bool) -> list[str] | None:
    """The stops focus keeps coming back to: from a stop's first visit to its second, or the last
    stop alone when Tab stopped moving focus. None when every press reached a new stop: a page
    longer than the walk (MAX_PRESSES), not a trap."""
    first: dict[str, int] = {}
    for k, entry in enumerate(walk):
        sel = entry["selector"]
        if sel in first:
            return [e["selector"] for e in walk[first[sel] : k]]
        first[sel] = k
    return None if kept_moving else [walk[-1]["selector"]]

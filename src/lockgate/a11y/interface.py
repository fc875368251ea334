"""Values between the accessibility modules: standards, impacts, one issue, one audit's outcome."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from lockgate.model import Severity

if TYPE_CHECKING:
    from playwright.async_api import Page


class Standard(enum.StrEnum):
    """What the page is held to (the stage's `standard` option)."""

    WCAG22AA = "wcag22aa"
    WCAG21AA = "wcag21aa"
    WCAG2A = "wcag2a"
    BEST_PRACTICE = "best-practice"  # WCAG 2.2 AA plus axe-core's best-practice rules


class Impact(enum.StrEnum):
    """axe-core's impact scale; lockgate's own checks and HTML_CodeSniffer map onto it."""

    CRITICAL = "critical"
    SERIOUS = "serious"
    MODERATE = "moderate"
    MINOR = "minor"

    @property
    def severity(self) -> Severity:
        return _SEVERITY[self]


_SEVERITY = {
    Impact.CRITICAL: Severity.CRITICAL,
    Impact.SERIOUS: Severity.HIGH,
    Impact.MODERATE: Severity.MEDIUM,
    Impact.MINOR: Severity.LOW,
}


@dataclass(frozen=True)
class Issue:
    """One barrier on one element of one page, as an engine or check reported it."""

    engine: str  # axe-core | htmlcs | lockgate
    rule_id: str
    criteria: tuple[str, ...]  # WCAG success criteria, e.g. ("1.1.1",); empty for best practice
    impact: Impact
    page: str
    selector: str  # a CSS selector unique in the page (lockgate's own, for every engine)
    snippet: str  # the element's HTML, shortened (redacted before it leaves the package)
    message: str
    help_url: str = ""
    engines: tuple[str, ...] = ()  # every engine that flagged it, after merging
    screenshot: str = ""  # the element's picture, relative to the artifacts folder


@dataclass(frozen=True)
class PageSkip:
    """A page that could not be checked, and why."""

    url: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    issues: tuple[Issue, ...]
    pages: tuple[str, ...]  # the pages checked
    skipped: tuple[PageSkip, ...]
    seconds_per_page: float
    screenshots: tuple[str, ...] = ()  # file names under the artifacts folder


class Engine(Protocol):
    """A rule engine or check set: a script run inside the loaded page (with every other engine's,
    in one call), then what it makes of the script's answer, acting on the page where it must
    (Tab presses, resizing)."""

    name: str

    def script(self, standard: Standard) -> tuple[str, Any] | None:
        """(a JavaScript function expression, its argument) to run in the page; None: none."""
        ...

    async def findings(self, page: Page, standard: Standard, raw: Any) -> list[Issue]:
        """The page's issues from `raw`, what the script returned (None without a script)."""
        ...

"""The two rule engines injected into every page: axe-core and HTML_CodeSniffer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from lockgate.a11y import pagejs
from lockgate.a11y.interface import Impact, Issue, Standard

if TYPE_CHECKING:
    from playwright.async_api import Page

AXE = "axe-core"
HTMLCS = "htmlcs"
CHECKS = "checks"  # lockgate's own checks, beside the engines

_AXE_TAGS = {
    Standard.WCAG2A: ["wcag2a"],
    Standard.WCAG21AA: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    Standard.WCAG22AA: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    Standard.BEST_PRACTICE: [
        "wcag2a",
        "wcag2aa",
        "wcag21a",
        "wcag21aa",
        "wcag22aa",
        "best-practice",
    ],
}
# HTML_CodeSniffer 2.5 knows WCAG 2.1 (A and AA); its WCAG2AA standard runs both levels.
_HTMLCS_STANDARD = {
    Standard.WCAG2A: "WCAG2A",
    Standard.WCAG21AA: "WCAG2AA",
    Standard.WCAG22AA: "WCAG2AA",
    Standard.BEST_PRACTICE: "WCAG2AA",
}
_AXE_SC = re.compile(r"^wcag(\d)(\d)(\d+)$")
_HTMLCS_SC = re.compile(r"\.(\d)_(\d+)_(\d+)\.")
_TECHNIQUE = re.compile(r"^(ARIA|SCR|H|C|G|F)\d+")
_TECHNIQUE_FOLDER = {
    "ARIA": "aria",
    "SCR": "client-side-script",
    "H": "html",
    "C": "css",
    "G": "general",
    "F": "failures",
}


def criteria_of_axe_tags(tags: list[str]) -> tuple[str, ...]:
    """('1.4.10',) from axe's 'wcag1410' tags."""
    return tuple(f"{m[1]}.{m[2]}.{m[3]}" for t in tags if (m := _AXE_SC.match(t)))


def criterion_of_htmlcs(code: str) -> tuple[str, ...]:
    """('1.1.1',) from 'WCAG2AA.Principle1.Guideline1_1.1_1_1.H37'."""
    m = _HTMLCS_SC.search(code + ".")
    return (f"{m[1]}.{m[2]}.{m[3]}",) if m else ()


def htmlcs_help(code: str) -> str:
    """The W3C page of the code's first technique (H37 -> Techniques/html/H37)."""
    parts = code.split(".")
    first = parts[4].split(",")[0] if len(parts) > 4 else ""
    m = _TECHNIQUE.match(first)
    if not m:
        return "https://www.w3.org/WAI/WCAG22/quickref/"
    return f"https://www.w3.org/WAI/WCAG22/Techniques/{_TECHNIQUE_FOLDER[m[1]]}/{first}"


def _impact(value: object) -> Impact:
    try:
        return Impact(str(value))
    except ValueError:
        return Impact.MODERATE  # axe leaves it null on a few rules


class Axe:
    name = AXE

    def script(self, standard: Standard) -> tuple[str, Any]:
        opts = {
            "runOnly": {"type": "tag", "values": _AXE_TAGS[standard]},
            "resultTypes": ["violations"],
        }
        return pagejs.AXE_FN, opts

    async def findings(self, page: Page, standard: Standard, raw: Any) -> list[Issue]:
        return [
            Issue(
                engine=AXE,
                rule_id=str(v["id"]),
                criteria=criteria_of_axe_tags(list(v["tags"])),
                impact=_impact(v["impact"]),
                page=page.url,
                selector=str(v["selector"]),
                snippet=str(v["snippet"]),
                message=str(v["message"]),
                help_url=str(v.get("helpUrl") or ""),
            )
            for v in raw
        ]


class HtmlCodeSniffer:
    """Only its errors: its warnings and notices ask a person to check, they are not findings."""

    name = HTMLCS

    def script(self, standard: Standard) -> tuple[str, Any]:
        return pagejs.HTMLCS_FN, _HTMLCS_STANDARD[standard]

    async def findings(self, page: Page, standard: Standard, raw: Any) -> list[Issue]:
        return [
            Issue(
                engine=HTMLCS,
                rule_id=str(m["code"]).split(".", 1)[-1],
                criteria=criterion_of_htmlcs(str(m["code"])),
                impact=Impact.SERIOUS,
                page=page.url,
                selector=str(m["selector"]),
                snippet=str(m["snippet"]),
                message=str(m["message"]),
                help_url=htmlcs_help(str(m["code"])),
            )
            for m in raw
        ]

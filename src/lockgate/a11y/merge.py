"""Issues from several engines about one element and one success criterion become one."""

from __future__ import annotations

from dataclasses import replace

from lockgate.a11y.interface import Impact, Issue

_RANK = {Impact.MINOR: 0, Impact.MODERATE: 1, Impact.SERIOUS: 2, Impact.CRITICAL: 3}
ENGINE_ORDER = ("axe-core", "lockgate", "htmlcs")  # whose message and rule id lead


def _same(a: Issue, b: Issue) -> bool:
    if a.page != b.page or a.selector != b.selector:
        return False
    if a.criteria or b.criteria:
        return bool(set(a.criteria) & set(b.criteria))
    return a.rule_id == b.rule_id


def merge(issues: list[Issue]) -> list[Issue]:
    """One issue per (page, element, criterion): the leading engine's words, the worst impact,
    every engine that saw it (in `engines`), the union of criteria."""
    ordered = sorted(
        issues, key=lambda i: ENGINE_ORDER.index(i.engine) if i.engine in ENGINE_ORDER else 9
    )
    out: list[Issue] = []
    for issue in ordered:
        match = next((k for k, kept in enumerate(out) if _same(kept, issue)), None)
        if match is None:
            out.append(replace(issue, engines=(issue.engine,)))
            continue
        kept = out[match]
        out[match] = replace(
            kept,
            impact=max(kept.impact, issue.impact, key=_RANK.__getitem__),
            criteria=tuple(dict.fromkeys(kept.criteria + issue.criteria)),
            engines=tuple(dict.fromkeys((*kept.engines, issue.engine))),
            help_url=kept.help_url or issue.help_url,
        )
    return out

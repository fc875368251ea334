"""summary.md: a short Markdown summary for a PR comment or $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import re
from collections import Counter

from lockgate.model import FindingState, Run, Status
from lockgate.reports.interface import FormatName
from lockgate.reports.text import (
    STATUS_SYMBOL,
    all_findings,
    duration,
    one_line,
    run_duration,
    sorted_findings,
)
from lockgate.reports.verdict import (
    Verdict,
    describe,
    headline,
    unchecked_items,
    unchecked_total,
    verdict,
)

TOP_FINDINGS = 10
TOP_UNCHECKED = 20
RUN_SYMBOL: dict[Verdict, str] = {
    Verdict.PASSED: "✅",
    Verdict.PASSED_WITH_UNCHECKED: "⚠️",
    Verdict.FAILED: "❌",
    Verdict.ERROR: "💥",
    Verdict.RUNNING: "⏳",
    Verdict.INTERRUPTED: "⏹️",
}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_NOT_FAILING = (
    (FindingState.KNOWN, "known (in baseline)"),
    (FindingState.SUPPRESSED, "suppressed"),
    (FindingState.BELOW_THRESHOLD, "below threshold"),
)


class MarkdownReport:
    name = FormatName.MARKDOWN.value
    filename = "summary.md"

    def render(self, run: Run) -> str:
        parts = [
            _heading(run),
            _stage_table(run),
            _notes(run),
            _unchecked(run),
            _top_findings(run),
        ]
        return "\n\n".join(p for p in parts if p) + "\n"


def md(text: str, limit: int = 200) -> str:
    """Inline-safe Markdown text: one line, HTML and Markdown syntax escaped, no @mentions."""
    flat = one_line(text, limit)
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MD_SPECIAL.sub(r"\\\1", flat)
    return flat.replace("@", "@\u200b")  # a zero-width space keeps "@team" from pinging anyone


def _heading(run: Run) -> str:
    head = f"## {RUN_SYMBOL[verdict(run)]} lockgate {headline(run)}: {md(run.project, 80)}"
    facts = [f"run {md(run.id, 60)}"]
    if run.branch:
        facts.append(f"branch {md(run.branch, 80)}")
    if run.commit:
        facts.append(f"commit {md(run.commit[:12], 12)}")
    seconds = run_duration(run)
    if seconds is not None:
        facts.append(f"took {duration(seconds)}")
    return f"{head}\n\n{' · '.join(facts)}"


def _stage_table(run: Run) -> str:
    if not run.results:
        return "No stages ran."
    rows = [
        "| Stage | Status | Findings (open / total) | Not checked | Duration | Cached |",
        "|---|---|--:|--:|--:|---|",
    ]
    for r in run.results:
        status = f"{STATUS_SYMBOL[r.status]} {r.status.value}"
        counts = f"{len(r.open_findings)} / {len(r.findings)}"
        cached = "yes" if r.cached else "no"
        rows.append(
            f"| {md(r.stage, 60)} | {status} | {counts} | {r.unchecked_count} "
            f"| {duration(r.duration)} | {cached} |"
        )
    return "\n".join(rows)


def _notes(run: Run) -> str:
    lines = [
        f"- **{md(r.stage, 60)}** {r.status.value}: {md(r.summary, 300)}"
        for r in run.results
        if r.status in (Status.FAILED, Status.ERROR, Status.WARNED) and r.summary
    ]
    states = Counter(f.state for f in all_findings(run))
    quiet = [f"{states[s]} {label}" for s, label in _NOT_FAILING if states[s]]
    if quiet:
        lines.append(f"- Not failing the gate: {', '.join(quiet)}.")
    return "\n".join(lines)


def _unchecked(run: Run) -> str:
    items = unchecked_items(run)
    if not items:
        return ""
    rows = [
        f"### ⚠️ Not checked: {unchecked_total(run)} item(s)",
        "",
        "A green gate says nothing about these; set fail_on_unchecked = true to fail on them.",
        "",
    ]
    for result, item in items[:TOP_UNCHECKED]:
        rows.append(f"- {md(result.stage, 60)}: {md(describe(item), 500)}")
    if len(items) > TOP_UNCHECKED:
        rows.append(f"- …and {len(items) - TOP_UNCHECKED} more in report.html and results.json.")
    return "\n".join(rows)


def _top_findings(run: Run) -> str:
    open_ = [f for f in sorted_findings(all_findings(run)) if f.state is FindingState.OPEN]
    if not open_:
        return "### Open findings\n\nNo open findings."
    rows = [
        f"### Top open findings ({min(len(open_), TOP_FINDINGS)} of {len(open_)})",
        "",
        "| Severity | Stage | Rule | Where | Message |",
        "|---|---|---|---|---|",
    ]
    for f in open_[:TOP_FINDINGS]:
        rows.append(
            f"| {f.severity.value} | {md(f.stage, 40)} | {md(f.rule_id, 80)} "
            f"| {md(f.where or '-', 120)} | {md(f.message, 160)} |"
        )
    if len(open_) > TOP_FINDINGS:
        rows += ["", f"…and {len(open_) - TOP_FINDINGS} more in report.html and results.json."]
    return "\n".join(rows)

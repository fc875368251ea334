"""SARIF 2.1.0: one run per tool, full rule metadata, within GitHub code-scanning upload limits."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from lockgate import __version__
from lockgate.fsutil import fs_bytes
from lockgate.model import Finding, FindingState, Run, Severity, StageResult, Status, Unchecked
from lockgate.reports.interface import FormatName
from lockgate.reports.text import clean, iso, legal, one_line, sorted_findings
from lockgate.reports.verdict import describe, verdict
from lockgate.stages.interface import StageKind
from lockgate.stages.registry import names_of_kind

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "lockgateFingerprint/v1"
SRCROOT = "%SRCROOT%"
MERGED_TOOL = "lockgate"
CONFIG_FILE = "lockgate.toml"  # where findings without a file or URL point (their gate lives there)

MAX_TAGS = 20  # per rule (GitHub)
MAX_MESSAGE = 4_000


@dataclass(frozen=True)
class Limits:
    """GitHub code-scanning upload limits (docs: "SARIF support for code scanning")."""

    runs: int = 20
    results: int = 25_000  # per run
    locations: int = 10  # per result
    bytes: int = 10 * 1024 * 1024  # per file (GitHub counts gzipped; we stay under it uncompressed)


GITHUB = Limits()

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
# GitHub bands: critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.1",
}
_CWE = re.compile(r"^CWE-(\d+)$", re.IGNORECASE)
_RAN = frozenset({Status.PASSED, Status.WARNED, Status.FAILED, Status.ERROR})


class SarifReport:
    name = FormatName.SARIF.value
    filename = "lockgate.sarif"

    def __init__(self, limits: Limits = GITHUB) -> None:
        self.limits = limits

    def render(self, run: Run) -> str:
        return json.dumps(build(run, self.limits), indent=2, ensure_ascii=False) + "\n"


@dataclass
class _ToolGroup:
    """Everything one SARIF run is made of: a tool, its findings, and the stages it ran in."""

    tool: str
    findings: list[Finding] = field(default_factory=list)
    stages: dict[str, StageResult] = field(default_factory=dict)
    version: str | None = None
    merged_from: set[str] = field(default_factory=set)


def build(run: Run, limits: Limits = GITHUB) -> dict[str, Any]:
    """The SARIF log as plain data; results are cut (worst kept) until the file fits the limits."""
    groups = _merge_small(_group_by_tool(run), limits.runs)
    cap = limits.results
    while True:
        log = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [_scrub(_sarif_run(run, g, cap, limits)) for g in groups],
        }
        size = len(json.dumps(log, indent=2, ensure_ascii=False).encode())
        largest = max((len(g.findings) for g in groups), default=0)
        if size <= limits.bytes or cap == 0:
            return log
        cap = min(cap, largest) * limits.bytes * 9 // (size * 10)


def _scrub(value: Any) -> Any:
    """Drop control characters and lone surrogates from every string of the log."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _group_by_tool(run: Run) -> list[_ToolGroup]:
    groups: dict[str, _ToolGroup] = {}
    for result in run.results:
        versions = {one_line(k, 100): one_line(v, 100) for k, v in result.tool_versions}
        versions.pop("", None)
        tools = {_tool(f) for f in result.findings}
        if result.status in _RAN:
            tools |= versions.keys()
        for tool in tools:
            group = groups.setdefault(tool, _ToolGroup(tool))
            group.stages[result.stage] = result
            group.version = group.version or versions.get(tool)
        for finding in result.findings:
            groups[_tool(finding)].findings.append(finding)
        if result.unchecked and not tools:  # what it could not check is said in some run's log
            groups.setdefault(MERGED_TOOL, _ToolGroup(MERGED_TOOL, version=__version__))
            groups[MERGED_TOOL].stages[result.stage] = result
    if not groups:  # nothing ran: still one (empty) run, so the upload says "no results"
        groups[MERGED_TOOL] = _ToolGroup(MERGED_TOOL, version=__version__)
    return sorted(groups.values(), key=lambda g: g.tool)


def _merge_small(groups: list[_ToolGroup], max_runs: int) -> list[_ToolGroup]:
    """Keep at most max_runs runs: the smallest tools are merged into one run named 'lockgate'."""
    if len(groups) <= max_runs:
        return groups
    others = sorted((g for g in groups if g.tool != MERGED_TOOL), key=lambda g: -len(g.findings))
    keep, fold = others[: max_runs - 1], others[max_runs - 1 :]
    merged = next((g for g in groups if g.tool == MERGED_TOOL), _ToolGroup(MERGED_TOOL))
    merged.version = merged.version or __version__
    for group in fold:
        merged.findings.extend(group.findings)
        merged.stages.update(group.stages)
        merged.merged_from.add(group.tool)
    return sorted([*keep, merged], key=lambda g: g.tool)


def _tool(finding: Finding) -> str:
    return one_line(finding.tool, 100) or finding.stage or MERGED_TOOL


def _rule_id(group: _ToolGroup, finding: Finding) -> str:
    """Rule ids stay as the tool wrote them, except in a merged run where they get the tool's name."""
    rule_id = one_line(finding.rule_id, 200) or "unnamed-rule"
    if _tool(finding) != group.tool:
        return f"{_tool(finding)}/{rule_id}"
    return rule_id


def _sarif_run(run: Run, group: _ToolGroup, cap: int, limits: Limits) -> dict[str, Any]:
    ordered = sorted_findings(group.findings)
    kept, omitted = ordered[:cap], len(ordered) - min(cap, len(ordered))
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in kept:
        by_rule[_rule_id(group, finding)].append(finding)
    rule_ids = sorted(by_rule)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    driver: dict[str, Any] = {"name": group.tool}
    if group.version:
        driver["version"] = group.version
    driver["rules"] = [_rule(rule_id, by_rule[rule_id]) for rule_id in rule_ids]
    out: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"lockgate/{group.tool}/{run.id}"},
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The project root."}}},
        "invocations": [_invocation(run, group)],
        "results": [_result(group, f, index, limits.locations) for f in kept],
        "properties": _run_properties(run, group, omitted, cap, limits),
    }
    return out


def _rule(rule_id: str, findings: list[Finding]) -> dict[str, Any]:
    first = findings[0]
    worst = max(findings, key=lambda f: f.severity.rank).severity
    level = _LEVEL[worst]
    described = first.help_text or first.message
    help_text = clean(first.help_text or first.message)[:MAX_MESSAGE]
    tags = _tags(findings)
    properties: dict[str, Any] = {"tags": tags, "problem.severity": _PROBLEM_SEVERITY[level]}
    if "security" in tags:
        properties["security-severity"] = _SECURITY_SEVERITY[worst]
    rule: dict[str, Any] = {
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": one_line(described, 120) or rule_id},
        "fullDescription": {"text": one_line(described, 1_000) or rule_id},
        "help": {"text": help_text or rule_id},
        "defaultConfiguration": {"level": level},
        "properties": properties,
    }
    uri = next((f.help_uri for f in findings if _web_uri(f.help_uri)), None)
    if uri:
        rule["helpUri"] = uri
        rule["help"]["text"] += f"\n\nMore: {uri}"
    return rule


def _tags(findings: list[Finding]) -> list[str]:
    """Tags as given, plus GitHub's CWE form and 'security' for security findings (at most 20)."""
    tags: dict[str, None] = {}
    for finding in findings:
        if finding.stage in names_of_kind(StageKind.SECURITY):  # declared on each stage
            tags["security"] = None
        for tag in finding.tags:
            tag = one_line(tag, 100)
            if not tag:
                continue
            tags[tag] = None
            match = _CWE.match(tag)
            if match:
                tags["security"] = None
                tags[f"external/cwe/cwe-{int(match[1]):03d}"] = None
    ordered = sorted(tags, key=lambda t: (t != "security", t))
    return ordered[:MAX_TAGS]


def _web_uri(uri: str | None) -> bool:
    if not uri:
        return False
    parts = urlsplit(uri)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and uri.isprintable()


def _result(
    group: _ToolGroup, finding: Finding, index: dict[str, int], max_locations: int
) -> dict[str, Any]:
    rule_id = _rule_id(group, finding)
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": index[rule_id],
        "level": _LEVEL[finding.severity],
        "message": {"text": clean(finding.message)[:MAX_MESSAGE] or rule_id},
        "locations": _locations(finding)[:max_locations],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "baselineState": "unchanged" if finding.state is FindingState.KNOWN else "new",
    }
    suppression = _suppression(finding)
    if suppression:
        result["suppressions"] = [suppression]
    properties: dict[str, Any] = {
        "lockgate/stage": finding.stage,
        "lockgate/severity": finding.severity.value,
        "lockgate/state": finding.state.value,
    }
    if finding.state_reason:
        properties["lockgate/stateReason"] = clean(finding.state_reason)
    if _tool(finding) != group.tool:
        properties["lockgate/tool"] = _tool(finding)
    result["properties"] = properties
    return result


def _suppression(finding: Finding) -> dict[str, Any] | None:
    if finding.state is FindingState.SUPPRESSED:
        reason = finding.state_reason or f"suppressed in {CONFIG_FILE}"
    elif finding.state is FindingState.KNOWN:
        reason = finding.state_reason or "in the baseline"
    else:
        return None
    return {"kind": "external", "status": "accepted", "justification": clean(reason)}


def _locations(finding: Finding) -> list[dict[str, Any]]:
    """One location per result, each with a region (GitHub rejects a result without
    `region.startLine`: a finding about a whole file or page points at its line 1)."""
    loc = finding.location
    if loc is not None and loc.path.strip():
        artifact = _artifact(loc.path)
        if artifact is None:  # never a URI outside the repository: name the path in words
            return [_whole_project(f"the file is outside the project: {one_line(loc.path, 300)}")]
        region = _region(loc.start_line, loc.start_col, loc.end_line, loc.end_col)
        physical: dict[str, Any] = {"artifactLocation": artifact, "region": region or _LINE_1}
        return [{"physicalLocation": physical}]
    if finding.url:
        web: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": {"uri": _quote_url(finding.url)},
                "region": dict(_LINE_1),
            }
        }
        if finding.selector:
            selector = clean(finding.selector)
            web["logicalLocations"] = [{"fullyQualifiedName": selector, "kind": "element"}]
            web["message"] = {"text": f"{one_line(finding.url, 500)} {one_line(selector, 500)}"}
        return [web]
    # GitHub rejects results without a location: point at the config holding the gate.
    return [_whole_project("no file: this finding is about the project as a whole")]


_LINE_1 = {"startLine": 1}


def _whole_project(text: str) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": CONFIG_FILE, "uriBaseId": SRCROOT},
            "region": dict(_LINE_1),
        },
        "message": {"text": text},
    }


def _artifact(path: str) -> dict[str, Any] | None:
    """The project-relative path as a URI reference under %SRCROOT%, every byte of the name kept
    (percent-encoded: a backslash, ESC, BEL or a byte that is not UTF-8 is part of the name);
    None when the path is absolute or climbs out of the project with `..`."""
    if path.startswith("/") or _DRIVE.match(path):
        return None
    segments: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if not segments:
                return None
            segments.pop()
            continue
        segments.append(segment)
    if not segments:
        return None
    uri = "/".join(quote(fs_bytes(segment), safe="") for segment in segments)
    return {"uri": uri, "uriBaseId": SRCROOT}


_DRIVE = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")  # C:\ or C:/ or \\server: absolute on Windows


def _quote_url(url: str) -> str:
    return quote(legal(url), safe=":/?#[]@!$&'()*+,;=%~")


def _region(
    start_line: int | None, start_col: int | None, end_line: int | None, end_col: int | None
) -> dict[str, int] | None:
    """Only the parts that are known and valid (1-based, end not before start)."""
    if not start_line or start_line < 1:
        return None
    region = {"startLine": start_line}
    if start_col and start_col >= 1:
        region["startColumn"] = start_col
    if end_line and end_line >= start_line:
        region["endLine"] = end_line
    same_line = end_line in (None, start_line)
    if end_col and end_col >= 1 and not (same_line and start_col and end_col < start_col):
        region["endColumn"] = end_col
    return region


def _invocation(run: Run, group: _ToolGroup) -> dict[str, Any]:
    """executionSuccessful is false when a stage of this tool erred or could not check
    everything; each such stage, and each thing it could not check, is a notification."""
    stages = sorted(group.stages.values(), key=lambda s: s.stage)
    failed = [s for s in stages if s.status is Status.ERROR]
    gaps = [s for s in stages if s.unchecked]
    invocation: dict[str, Any] = {"executionSuccessful": not failed and not gaps}
    if run.started:
        invocation["startTimeUtc"] = iso(run.started)
    if run.finished:
        invocation["endTimeUtc"] = iso(run.finished)
    notes = [
        {
            "level": "error",
            "message": {"text": one_line(f"stage {s.stage}: {s.summary or 'error'}", 1_000)},
            "descriptor": {"id": "stage-error"},
        }
        for s in failed
    ]
    notes += [_unchecked_note(s, item) for s in gaps for item in s.unchecked]
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _unchecked_note(stage: StageResult, item: Unchecked) -> dict[str, Any]:
    text = f"stage {stage.stage}: not checked: {describe(item)}"
    return {
        "level": "error" if stage.status is Status.FAILED else "warning",
        "message": {"text": one_line(text, MAX_MESSAGE)},
        "descriptor": {"id": "unchecked"},
        "properties": {
            "lockgate/stage": stage.stage,
            "lockgate/what": one_line(item.what, 1_000),
            "lockgate/count": item.count,
            "lockgate/reason": one_line(item.reason, 1_000),
            "lockgate/fix": one_line(item.fix, 1_000),
        },
    }


def _run_properties(
    run: Run, group: _ToolGroup, omitted: int, cap: int, limits: Limits
) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "lockgate/runId": run.id,
        "lockgate/project": run.project,
        "lockgate/verdict": verdict(run).value,
        "lockgate/stages": sorted(group.stages),
    }
    unchecked = sum(s.unchecked_count for s in group.stages.values())
    if unchecked:
        properties["lockgate/unchecked"] = unchecked
    if run.branch:
        properties["lockgate/branch"] = run.branch
    if run.commit:
        properties["lockgate/commit"] = run.commit
    if group.merged_from:
        properties["lockgate/mergedTools"] = sorted(group.merged_from)
    if omitted:
        properties["lockgate/truncated"] = {
            "omittedResults": omitted,
            "keptResults": min(cap, len(group.findings)),
            "note": (
                f"{omitted} results left out to stay within GitHub code-scanning limits "
                f"({limits.results} results per run, {limits.bytes} bytes per file); "
                "open and most severe findings were kept; results.json has them all"
            ),
        }
    return properties

"""bandit adapter: Python security checks with bandit's own severity, confidence and CWE."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lockgate.model import Severity
from lockgate.sast.engine import (
    EngineResult,
    FindingSpec,
    cwe_tags,
    dist_version,
    make_finding,
    run_in_chunks,
)
from lockgate.tools import proc

TOOL = "bandit"
INSTALL_HINT = (
    "run scripts/bootstrap (installs requirements/tool-bandit.txt into .venv-tools/bandit)"
)
_LEVELS = {"HIGH": Severity.HIGH, "MEDIUM": Severity.MEDIUM, "LOW": Severity.LOW}
# Skipped by default: lockgate does these better elsewhere, and bandit's versions flag every use
# rather than a use that is unsafe. B101 assert (noise in test suites); B105/B106/B107 hard-coded
# passwords (the secrets gate, which knows example credentials); B608 SQL built from strings
# (lockgate's own rule follows request data and knows quoted identifiers); B308/B703 mark_safe
# (lockgate's own rules follow request data into mark_safe, |safe and autoescape off).
DEFAULT_SKIPS = ("B101", "B105", "B106", "B107", "B308", "B608", "B703")
# bandit's own CWE for these tests names a neighbouring weakness; the one other engines use for
# the same hit lets the stage merge them (eval is code injection, yaml.load deserialisation, ...).
_CWE_FIX = {
    "B102": "CWE-95",
    "B307": "CWE-95",
    "B506": "CWE-502",
    "B201": "CWE-489",
    "B310": "CWE-918",
}


def version() -> str:
    return dist_version(TOOL, "bandit")


def applies(path: str) -> bool:
    return path.endswith(".py")


def run(
    project: Path,
    files: Sequence[str],
    artifacts: Path,
    timeout: float,
    skip: Sequence[str] = (),
    low: Severity = Severity.LOW,
) -> EngineResult:
    """bandit on `files`; its LOW-severity hits (import subprocess, try/except/pass, random...)
    are reported at `low`."""
    exe = proc.require(TOOL, INSTALL_HINT)
    skips = ["-s", ",".join(skip)] if skip else []
    ran = run_in_chunks(
        TOOL,
        lambda chunk, _stem: [exe, "-f", "json", "-q", *skips, "--", *chunk],
        files,
        cwd=project,
        artifacts=artifacts,
        timeout=timeout,
    )
    if ran.failed:
        return EngineResult(TOOL, version(), failed=ran.failed)
    results, errors, arts = ran.results, ran.errors, ran.artifacts
    findings = tuple(make_finding(project, _spec(hit, low)) for hit in results)
    problems = tuple(
        (
            str(e.get("filename", "")).removeprefix("./"),
            None,
            str(e.get("reason", "could not be scanned")),
        )
        for e in errors
    )
    return EngineResult(TOOL, version(), findings, problems, tuple(arts), scanned=len(files))


def _spec(hit: dict[str, Any], low: Severity) -> FindingSpec:
    test_id = str(hit.get("test_id", "B000"))
    severity = _LEVELS.get(str(hit.get("issue_severity", "")).upper(), Severity.MEDIUM)
    lines = hit.get("line_range") or [hit.get("line_number")]
    return FindingSpec(
        tool=TOOL,
        rule_id=f"bandit.{test_id}",
        message=f"{hit.get('issue_text', '')} ({test_id} {hit.get('test_name', '')})".strip(),
        severity=low if severity is Severity.LOW else severity,
        path=str(hit["filename"]).removeprefix("./"),
        line=hit.get("line_number"),
        end_line=max(lines) if lines and lines[0] else None,
        col=(hit.get("col_offset") or 0) + 1,
        cwe=(_CWE_FIX[test_id],) if test_id in _CWE_FIX else cwe_tags(hit.get("issue_cwe")),
        confidence=str(hit.get("issue_confidence", "")).lower() or None,
        help_text=f"{hit.get('issue_text', '')} See the bandit docs for {test_id}.",
        help_uri=hit.get("more_info"),
    )

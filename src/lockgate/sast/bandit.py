"""bandit adapter: Python security checks with bandit's own severity, confidence and CWE."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lockgate.model import Severity
from lockgate.sast.engine import (
    EngineResult,
    FindingSpec,
    chunks,
    cwe_tags,
    dist_version,
    make_finding,
)
from lockgate.tools import proc

TOOL = "bandit"
INSTALL_HINT = (
    "run scripts/bootstrap (installs requirements/tool-bandit.txt into .venv-tools/bandit)"
)
_LEVELS = {"HIGH": Severity.HIGH, "MEDIUM": Severity.MEDIUM, "LOW": Severity.LOW}


def version() -> str:
    return dist_version(TOOL, "bandit")


def applies(path: str) -> bool:
    return path.endswith(".py")


def run(
    project: Path, files: Sequence[str], artifacts: Path, timeout: float, skip: Sequence[str] = ()
) -> EngineResult:
    exe = proc.require(TOOL, INSTALL_HINT)
    skips = ["-s", ",".join(skip)] if skip else []
    deadline = time.monotonic() + timeout
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    arts: list[str] = []
    for i, chunk in enumerate(chunks(files)):
        name = "bandit.json" if i == 0 else f"bandit-{i}.json"
        done = proc.run(
            [exe, "-f", "json", "-q", *skips, "--", *chunk],
            cwd=project,
            timeout=max(1.0, deadline - time.monotonic()),
        )
        (artifacts / name).write_text(done.stdout)
        arts.append(name)
        try:
            report = json.loads(done.stdout)
        except ValueError:
            why = "timed out" if done.timed_out else done.describe()
            return EngineResult(TOOL, version(), failed=f"bandit did not finish: {why}")
        results += report.get("results", [])
        errors += report.get("errors", [])
    findings = tuple(make_finding(project, _spec(hit)) for hit in results)
    problems = tuple(
        (str(e.get("filename", "")), None, str(e.get("reason", "could not be scanned")))
        for e in errors
    )
    return EngineResult(TOOL, version(), findings, problems, tuple(arts), scanned=len(files))


def _spec(hit: dict[str, Any]) -> FindingSpec:
    test_id = str(hit.get("test_id", "B000"))
    lines = hit.get("line_range") or [hit.get("line_number")]
    return FindingSpec(
        tool=TOOL,
        rule_id=f"bandit.{test_id}",
        message=f"{hit.get('issue_text', '')} ({test_id} {hit.get('test_name', '')})".strip(),
        severity=_LEVELS.get(str(hit.get("issue_severity", "")).upper(), Severity.MEDIUM),
        path=str(hit["filename"]).removeprefix("./"),
        line=hit.get("line_number"),
        end_line=max(lines) if lines and lines[0] else None,
        col=(hit.get("col_offset") or 0) + 1,
        cwe=cwe_tags(hit.get("issue_cwe")),
        confidence=str(hit.get("issue_confidence", "")).lower() or None,
        help_text=f"{hit.get('issue_text', '')} See the bandit docs for {test_id}.",
        help_uri=hit.get("more_info"),
    )

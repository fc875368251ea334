"""What every SAST engine adapter shares: its result value, file helpers and tool-version lookup."""

from __future__ import annotations

import glob
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lockgate.model import Finding, Location, Severity, fingerprint
from lockgate.secrets.redact import REDACTED, scrub
from lockgate.tools import proc
from lockgate.tools import versions as tool_versions

CONFIDENCES = ("high", "medium", "low")
# Keys under which the engines' reports quote the scanned source (bandit `code`, semgrep `lines`,
# SARIF `snippet`, checkov `code_block`): a line with a credential on it must not be kept.
_SOURCE_KEYS = frozenset({"code", "lines", "snippet", "code_block", "fixed_lines", "contextRegion"})
# Messages that quote the flagged literal itself (bandit B105-B107: "Possible hardcoded password: 'x'").
_QUOTED_VALUE = re.compile(r"(hardcoded password:?\s*)'.*'", re.IGNORECASE)
# Parse errors that quote the offending code (semgrep: "Syntax error at line a.py:3:\n `...` was
# unexpected"): the code may be the line with a credential on it.
_QUOTED_CODE = re.compile(r"(Syntax error at line [^\n`]*?):?\s*`[^`]*`(?: was unexpected)?")


@dataclass(frozen=True)
class EngineResult:
    """Findings of one engine plus the files it could not scan (path, line, reason)."""

    engine: str
    version: str
    findings: tuple[Finding, ...] = ()
    problems: tuple[tuple[str, int | None, str], ...] = ()
    artifacts: tuple[str, ...] = ()
    failed: str | None = None  # the engine itself failed: why (its findings are then partial)
    scanned: int = 0


@dataclass
class FindingSpec:
    """Engine-neutral description of one hit, turned into a Finding by `make_finding`."""

    tool: str
    rule_id: str
    message: str
    severity: Severity
    path: str
    line: int | None
    end_line: int | None = None
    col: int | None = None
    end_col: int | None = None
    cwe: tuple[str, ...] = ()
    confidence: str | None = None
    help_text: str | None = None
    help_uri: str | None = None
    extra_tags: tuple[str, ...] = field(default_factory=tuple)
    # What identifies the hit across edits, when its source lines do not (a check on a whole
    # Terraform resource or Containerfile); None: the flagged source lines.
    identity: str | None = None


def make_finding(project: Path, spec: FindingSpec) -> Finding:
    snippet = source_lines(project / spec.path, spec.line, spec.end_line)
    tags = tuple(
        dict.fromkeys((*spec.cwe, *_confidence_tag(spec.confidence), "security", *spec.extra_tags))
    )
    help_text = redact_text(spec.help_text) if spec.help_text else spec.help_text
    if spec.confidence and help_text:
        help_text = f"{help_text} (confidence: {spec.confidence})"
    return Finding(
        stage="sast",
        tool=spec.tool,
        rule_id=spec.rule_id,
        message=redact_text(spec.message),
        severity=spec.severity,
        fingerprint=fingerprint(spec.rule_id, spec.path, spec.identity or snippet or spec.message),
        location=Location(spec.path, spec.line, spec.col, spec.end_line, spec.end_col),
        help_uri=spec.help_uri,
        help_text=help_text,
        tags=tags,
    )


def _confidence_tag(confidence: str | None) -> tuple[str, ...]:
    return (f"confidence:{confidence.lower()}",) if confidence else ()


def cwe_tags(value: object) -> tuple[str, ...]:
    """`"CWE-89: SQL..."`, `["CWE-89"]`, `89` or `{"id": 89}` → ("CWE-89",)."""
    items = value if isinstance(value, list | tuple) else [value]
    tags: list[str] = []
    for item in items:
        raw = item.get("id") if isinstance(item, dict) else item
        match = re.search(r"(\d+)", str(raw)) if raw is not None else None
        if match and int(match.group(1)) > 0:
            tags.append(f"CWE-{int(match.group(1))}")
    return tuple(tags)


def source_lines(path: Path, start: int | None, end: int | None) -> str:
    """The text of lines start..end (1-based) of `path`, '' when unreadable."""
    if not start:
        return ""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return ""
    return "\n".join(lines[start - 1 : (end or start)])


def dist_version(tool: str, dist: str) -> str:
    """Version of the Python distribution `dist` in the venv that holds `tool`, without running it."""
    exe = proc.which(tool)
    if exe is None:
        return "missing"
    venv = Path(exe).parent.parent
    pattern = str(venv / "lib" / "python*" / "site-packages" / f"{dist}-*.dist-info")
    for hit in sorted(glob.glob(pattern)):
        return Path(hit).name[len(dist) + 1 : -len(".dist-info")]
    return tool_versions.version(exe, _asked_version)


def _asked_version(exe: str) -> str:
    done = proc.run([exe, "--version"], timeout=60)
    match = re.search(r"\d+\.\d+(\.\d+)?", done.stdout + done.stderr)
    return match.group(0) if match else "unknown"


def chunks(files: Sequence[str], max_chars: int = 200_000) -> list[list[str]]:
    """Split a file list so no single command line gets near the OS argument limit."""
    out: list[list[str]] = [[]]
    size = 0
    for name in files:
        if out[-1] and size + len(name) + 1 > max_chars:
            out.append([])
            size = 0
        out[-1].append(name)
        size += len(name) + 1
    return out


@dataclass(frozen=True)
class ChunkedRun:
    """The merged JSON `results` and `errors` of one tool run over chunks of the file list."""

    results: tuple[dict[str, Any], ...]
    errors: tuple[dict[str, Any], ...]
    artifacts: tuple[str, ...]
    failed: str | None = None  # a chunk gave no JSON report: why


def redact_text(text: str) -> str:
    """`text` without a flagged literal it quotes or any value lockgate's secret rules recognise."""
    text = _QUOTED_CODE.sub(lambda m: m.group(1) + " (code not shown)", text)
    return scrub(_QUOTED_VALUE.sub(lambda m: m.group(1) + REDACTED, text))


def redact_report(value: Any) -> Any:
    """A tool's JSON report with the source text it quotes dropped and every string redacted."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if k in _SOURCE_KEYS and v else redact_report(v)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_report(v) for v in value]
    return redact_text(value) if isinstance(value, str) else value


def redact_file(path: Path) -> None:
    """Rewrite a JSON or SARIF report an engine wrote itself, redacted (`redact_report`)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    try:
        clean = json.dumps(redact_report(json.loads(text)), indent=1)
    except ValueError:
        clean = redact_text(text)
    path.write_text(clean)


def run_in_chunks(
    tool: str,
    argv_for: Callable[[list[str], str], list[str]],
    files: Sequence[str],
    *,
    cwd: Path,
    artifacts: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
) -> ChunkedRun:
    """Run `argv_for(chunk, stem)` per chunk within one shared deadline; keep each JSON report as
    `<stem>.json` in the artifacts; stop at the first chunk that does not produce one."""
    deadline = time.monotonic() + timeout
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    arts: list[str] = []
    for i, chunk in enumerate(chunks(files)):
        stem = tool if i == 0 else f"{tool}-{i}"
        done = proc.run(
            argv_for(chunk, stem),
            cwd=cwd,
            timeout=max(1.0, deadline - time.monotonic()),
            env=env,
        )
        arts.append(f"{stem}.json")
        try:
            report = redact_report(json.loads(done.stdout))
        except ValueError:
            (artifacts / f"{stem}.json").write_text(redact_text(done.stdout))
            why = "timed out" if done.timed_out else redact_text(done.describe())
            return ChunkedRun((), (), tuple(arts), failed=f"{tool} did not finish: {why}")
        (artifacts / f"{stem}.json").write_text(json.dumps(report, indent=1))
        results += report.get("results", [])
        errors += report.get("errors", [])
    return ChunkedRun(tuple(results), tuple(errors), tuple(arts))


def parse_json_output(text: str) -> object:
    """The JSON document in a tool's stdout, skipping log lines printed before it."""
    import json

    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0:
        raise ValueError("no JSON in the output")
    return json.loads(text[start:])

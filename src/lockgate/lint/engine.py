"""Run the enabled linters over the files they claim and turn their problems into one StageResult."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from lockgate import fsutil
from lockgate.errors import ToolMissing
from lockgate.lint.interface import Linter, LintOutputError, Raw
from lockgate.lint.registry import LINTERS
from lockgate.model import Finding, Location, Metric, StageResult, Status, fingerprint
from lockgate.tools import proc

STAGE = "lint"
_CHUNK = 500  # files per linter call, well under any argv limit
# control characters and bidi overrides from the linted source, shown escaped instead of acted on
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Request:
    """One lint run: the project (read in place), the [stages.lint] values, a time limit per call."""

    project: Path
    options: Mapping[str, Any]
    timeout: float
    linters: tuple[Linter, ...] = LINTERS


def enabled(req: Request) -> list[Linter]:
    return [lt for lt in req.linters if lt.enabled(req.options)]


def missing_tool(req: Request) -> str | None:
    """Why the enabled linters cannot run here (a tool is not installed), or None."""
    for tool, hint in sorted({(lt.tool, lt.install_hint) for lt in enabled(req)}):
        if proc.which(tool) is None:
            return f"{tool} is not installed; {hint}"
    return None


def cache_key(req: Request) -> str | None:
    """Digest of each enabled linter's version, the files it claims and its config files."""
    files = fsutil.project_files(req.project)
    parts: list[str] = []
    for linter in enabled(req):
        checked = _selected(req, fsutil.matching(files, linter.patterns))
        configs = [f for f in files if PurePosixPath(f).name in linter.config_files]
        try:
            version = _version(linter)
        except ToolMissing:
            return None
        parts += [linter.name, version, fsutil.digest_files(req.project, {*checked, *configs})]
    return fsutil.digest_text(*parts)


def lint(req: Request) -> StageResult:
    started = time.monotonic()
    files = fsutil.project_files(req.project)
    findings: list[Finding] = []
    versions: dict[str, str] = {}
    checked: set[str] = set()
    for linter in enabled(req):
        targets = _selected(req, fsutil.matching(files, linter.patterns))
        if not targets:
            continue
        tool = proc.require(linter.tool, linter.install_hint)
        versions[linter.tool] = _version(linter)
        try:
            raws = _run(linter, tool, req, targets)
        except LintOutputError as exc:
            return _error(f"{linter.name} failed: {exc}", started)
        names = _lossy_names(targets)
        findings += (_to_finding(linter, req.project, r, names) for r in raws)
        checked.update(targets)
    if not checked:
        return _nothing_to_lint(req, started)
    return _result(findings, checked, versions, started)


def _selected(req: Request, files: Iterable[str]) -> list[str]:
    """Files under the `paths` option (all when it is empty)."""
    roots = [p.strip("/").removeprefix("./") for p in req.options["paths"]]
    if not roots or "" in roots or "." in roots:
        return list(files)
    return [f for f in files if any(f == r or f.startswith(r + "/") for r in roots)]


_VERSIONS: dict[
    tuple[str, tuple[str, ...]], str
] = {}  # (tool path, argv) -> version, once a process


def _version(linter: Linter) -> str:
    tool = proc.require(linter.tool, linter.install_hint)
    key = (tool, linter.version_argv)
    if key not in _VERSIONS:
        done = proc.run([tool, *linter.version_argv], timeout=30)
        text = done.stdout.strip() or done.stderr.strip() or f"unknown (exit {done.returncode})"
        _VERSIONS[key] = text.removeprefix(f"{linter.tool} ")
    return _VERSIONS[key]


def _run(linter: Linter, tool: str, req: Request, files: list[str]) -> list[Raw]:
    raws: list[Raw] = []
    for i in range(0, len(files), _CHUNK):
        argv = linter.argv(tool, req.project, files[i : i + _CHUNK])
        done = proc.run(argv, cwd=req.project, timeout=req.timeout)
        if done.timed_out:
            raise LintOutputError(f"timed out after {req.timeout:g} s")
        if done.returncode not in linter.ok_codes:
            raise LintOutputError(done.describe())
        raws += linter.parse(done)
    return raws


def _lossy_names(targets: Iterable[str]) -> dict[str, str]:
    """A tool prints a file name that is not UTF-8 with U+FFFD in it: that name -> the file."""
    lossy = {fsutil.fs_bytes(t).decode("utf-8", "replace"): t for t in targets}
    return {shown: name for shown, name in lossy.items() if shown != name}


def _to_finding(
    linter: Linter, project: Path, raw: Raw, names: dict[str, str] | None = None
) -> Finding:
    rule = _visible(raw.rule)[:100]
    path = _relative(project, raw.path) if raw.path else ""
    path = (names or {}).get(path, path)
    message = _visible(raw.message or rule)
    snippet = _source_line(project / path, raw.line) if path else message
    return Finding(
        stage=STAGE,
        tool=linter.name,
        rule_id=rule,
        message=message,
        severity=linter.severity(rule),
        fingerprint=fingerprint(rule, path, snippet),
        location=Location(path, raw.line, raw.col, raw.end_line, raw.end_col) if path else None,
        help_uri=raw.url,
        help_text=_visible(raw.fix) if raw.fix else None,
    )


def _result(
    findings: list[Finding], checked: set[str], versions: dict[str, str], started: float
) -> StageResult:
    findings.sort(key=_order)
    files_with = {f.location.path for f in findings if f.location}
    summary = (
        f"{len(findings)} finding(s) in {len(files_with)} of {len(checked)} file(s)"
        if findings
        else f"{len(checked)} file(s) clean"
    )
    return StageResult(
        stage=STAGE,
        status=Status.PASSED,
        findings=tuple(findings),
        metrics=(Metric("files", len(checked)), Metric("findings", len(findings))),
        duration=time.monotonic() - started,
        tool_versions=tuple(sorted(versions.items())),
        summary=summary,
    )


def _nothing_to_lint(req: Request, started: float) -> StageResult:
    paths = list(req.options["paths"])
    scope = f" under {', '.join(paths)}" if paths else ""
    languages = " or ".join(sorted({lt.language for lt in enabled(req)})) or "lintable"
    return StageResult(
        stage=STAGE,
        status=Status.SKIPPED,
        summary=f"nothing to lint: no {languages} files{scope}",
        duration=time.monotonic() - started,
    )


def _error(summary: str, started: float) -> StageResult:
    return StageResult(
        stage=STAGE, status=Status.ERROR, summary=summary, duration=time.monotonic() - started
    )


def _order(finding: Finding) -> tuple[str, int, int]:
    loc = finding.location or Location("")
    return loc.path, loc.start_line or 0, loc.start_col or 0


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)


def _relative(project: Path, filename: str) -> str:
    path = project / filename  # ruff reports absolute paths; a relative one is relative to its cwd
    try:
        return path.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _source_line(path: Path, line: int | None) -> str:
    """The text of `line` (1-based) in `path`, or "" when it cannot be read."""
    if not line:
        return ""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            for number, text in enumerate(fh, start=1):
                if number == line:
                    return text.rstrip("\r\n")
    except OSError:
        return ""
    return ""

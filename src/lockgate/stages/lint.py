"""Lint stage: run each language's linters (ruff check, ruff format --check) and turn their output into findings.

A linter is one `Linter` entry in `LINTERS`: the files it wants, the config files it reads, how to call it,
how to read its output into `Raw` values, and how severe its rules are.
Ruff severities (first matching prefix in `RUFF_SEVERITY` wins): syntax errors, `E9` (file cannot be
parsed or read) and pyflakes' undefined names → high; other pyflakes `F`, bugbear `B`, bandit `S` → medium;
style rules and formatting → low.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from lockgate import fsutil
from lockgate.config.options import Option
from lockgate.errors import ToolMissing
from lockgate.model import Finding, Location, Metric, Severity, StageResult, Status, fingerprint
from lockgate.stages.interface import StageContext
from lockgate.tools import proc

STAGE = "lint"
_CHUNK = 500  # files per linter call, well under any argv limit
# control characters and bidi overrides from the linted source, shown escaped instead of acted on
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Raw:
    """One problem as a linter reported it, before it becomes a Finding."""

    rule: str
    path: str  # as the linter printed it: absolute, or relative to the project
    line: int | None = None
    col: int | None = None
    end_line: int | None = None
    end_col: int | None = None
    message: str = ""
    url: str | None = None
    fix: str | None = None  # what the tool's own fix would do


class LintOutputError(Exception):
    """A linter's output could not be read, or the linter failed; the message says what came back."""


@dataclass(frozen=True)
class Linter:
    """One linter: the files it checks, the config it honours, how to run it and read its output."""

    name: str  # Finding.tool, e.g. "ruff"
    language: str  # for "no Python files" summaries
    tool: str  # executable looked up with proc.require
    install_hint: str
    patterns: tuple[str, ...]  # files it checks (fsutil.matching globs)
    config_files: tuple[str, ...]  # basenames of config files that change its result
    argv: Callable[[str, StageContext, Sequence[str]], list[str]]  # (tool path, ctx, files) -> argv
    parse: Callable[[proc.Completed], list[Raw]]
    severity: Callable[[str], Severity]
    ok_codes: tuple[int, ...] = (0, 1)
    enabled: Callable[[StageContext], bool] = lambda ctx: True
    version_argv: tuple[str, ...] = ("--version",)


# --- ruff -----------------------------------------------------------------------------------------

RUFF_HINT = (
    "install ruff 0.17.6: `.venv/bin/pip install ruff==0.17.6` (pinned in requirements/dev.txt)"
)
RUFF_CONFIGS = ("pyproject.toml", "ruff.toml", ".ruff.toml")
RUFF_SEVERITY: tuple[tuple[str, Severity], ...] = (
    ("invalid-syntax", Severity.HIGH),
    ("E9", Severity.HIGH),
    ("F821", Severity.HIGH),
    ("F822", Severity.HIGH),
    ("F823", Severity.HIGH),
    ("F", Severity.MEDIUM),
    ("B", Severity.MEDIUM),
    ("S", Severity.MEDIUM),
)


def ruff_severity(rule: str) -> Severity:
    """Severity of a ruff rule code (or `format` / `invalid-syntax`) by the first matching prefix."""
    for prefix, severity in RUFF_SEVERITY:
        if rule.startswith(prefix):
            return severity
    return Severity.LOW


def _ruff_common(ctx: StageContext) -> list[str]:
    args = ["--no-cache", "--force-exclude", "--output-format", "json"]
    if not any((ctx.project / name).is_file() for name in RUFF_CONFIGS):
        args.append(
            "--isolated"
        )  # no project config: ruff's defaults, not a parent folder's config
    return args


def _ruff_check_argv(tool: str, ctx: StageContext, files: Sequence[str]) -> list[str]:
    return [tool, "check", *_ruff_common(ctx), "--", *files]


def _ruff_format_argv(tool: str, ctx: StageContext, files: Sequence[str]) -> list[str]:
    return [tool, "format", "--check", *_ruff_common(ctx), "--", *files]


def _parse_ruff(done: proc.Completed) -> list[Raw]:
    try:
        data = json.loads(done.stdout or "[]")
    except json.JSONDecodeError as exc:
        raise LintOutputError(f"unreadable JSON ({exc}) from {done.describe()}") from exc
    if not isinstance(data, list) or not all(isinstance(i, dict) for i in data):
        raise LintOutputError(f"expected a JSON list of findings from {done.describe()}")
    return [_ruff_raw(item) for item in data]


def _ruff_raw(item: dict[str, Any]) -> Raw:
    loc, end, fix = (
        _dict(item.get("location")),
        _dict(item.get("end_location")),
        _dict(item.get("fix")),
    )
    return Raw(
        rule=str(item.get("code") or item.get("name") or "unknown"),
        path=_str(item.get("filename")) or "",
        line=_int(loc.get("row")),
        col=_int(loc.get("column")),
        end_line=_int(end.get("row")),
        end_col=_int(end.get("column")),
        message=str(item.get("message") or ""),
        url=_str(item.get("url")),
        fix=f"{fix['message']} (ruff can apply it: `ruff check --fix`)"
        if _str(fix.get("message"))
        else None,
    )


def _parse_ruff_format(done: proc.Completed) -> list[Raw]:
    # only the formatting verdicts: syntax and I/O errors are `ruff check`'s findings already
    return [
        replace(
            r, rule="format", message="File would be reformatted: run `ruff format` on it", fix=None
        )
        for r in _parse_ruff(done)
        if r.rule == "unformatted"
    ]


PYTHON = ("*.py", "*.pyi")

LINTERS: tuple[Linter, ...] = (
    Linter(
        "ruff",
        "Python",
        "ruff",
        RUFF_HINT,
        PYTHON,
        RUFF_CONFIGS,
        _ruff_check_argv,
        _parse_ruff,
        ruff_severity,
    ),
    Linter(
        "ruff-format",
        "Python",
        "ruff",
        RUFF_HINT,
        PYTHON,
        RUFF_CONFIGS,
        _ruff_format_argv,
        _parse_ruff_format,
        ruff_severity,
        ok_codes=(0, 1, 2),  # 2: a file could not be parsed; the JSON still lists the rest
        enabled=lambda ctx: bool(ctx.options.get("format", True)),
    ),
)


# --- the stage ------------------------------------------------------------------------------------


class LintStage:
    name: ClassVar[str] = STAGE
    needs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = (
        "Lint and formatting checks (Python: ruff check, ruff format --check)"
    )
    options: ClassVar[tuple[Option, ...]] = (
        Option(
            "paths",
            "list[str]",
            [],
            "Folders or files to lint, relative to the project; empty = all",
        ),
        Option("format", "bool", True, "Also check formatting (ruff format --check)"),
    )

    def available(self, ctx: StageContext) -> str | None:
        for tool, hint in sorted({(lt.tool, lt.install_hint) for lt in _enabled(ctx)}):
            if proc.which(tool) is None:
                return f"{tool} is not installed; {hint}"
        return None

    def cache_key(self, ctx: StageContext) -> str | None:
        files = fsutil.project_files(ctx.project)
        parts: list[str] = []
        for linter in _enabled(ctx):
            checked = _selected(ctx, fsutil.matching(files, linter.patterns))
            configs = [f for f in files if PurePosixPath(f).name in linter.config_files]
            try:
                version = _version(linter)
            except ToolMissing:
                return None
            parts += [linter.name, version, fsutil.digest_files(ctx.project, {*checked, *configs})]
        return fsutil.digest_text(*parts)

    def run(self, ctx: StageContext) -> StageResult:
        started = time.monotonic()
        files = fsutil.project_files(ctx.project)
        findings: list[Finding] = []
        versions: dict[str, str] = {}
        checked: set[str] = set()
        for linter in _enabled(ctx):
            targets = _selected(ctx, fsutil.matching(files, linter.patterns))
            if not targets:
                continue
            tool = proc.require(linter.tool, linter.install_hint)
            versions[linter.tool] = _version(linter)
            try:
                raws = _run_linter(linter, tool, ctx, targets)
            except LintOutputError as exc:
                return _error(f"{linter.name} failed: {exc}", started)
            findings += (_to_finding(linter, ctx.project, r) for r in raws)
            checked.update(targets)
        if not checked:
            return _nothing_to_lint(ctx, started)
        return _result(findings, checked, versions, started)


def _enabled(ctx: StageContext) -> list[Linter]:
    return [lt for lt in LINTERS if lt.enabled(ctx)]


def _selected(ctx: StageContext, files: Iterable[str]) -> list[str]:
    """Files under the `paths` option (all when it is empty)."""
    roots = [p.strip("/").removeprefix("./") for p in ctx.options.get("paths") or []]
    if not roots or "" in roots or "." in roots:
        return list(files)
    return [f for f in files if any(f == r or f.startswith(r + "/") for r in roots)]


_VERSIONS: dict[str, str] = {}  # tool path -> version, asked once per process


def _version(linter: Linter) -> str:
    tool = proc.require(linter.tool, linter.install_hint)
    if tool not in _VERSIONS:
        done = proc.run([tool, *linter.version_argv], timeout=30)
        text = done.stdout.strip() or done.stderr.strip() or f"unknown (exit {done.returncode})"
        _VERSIONS[tool] = text.removeprefix(f"{linter.tool} ")
    return _VERSIONS[tool]


def _run_linter(linter: Linter, tool: str, ctx: StageContext, files: list[str]) -> list[Raw]:
    raws: list[Raw] = []
    for i in range(0, len(files), _CHUNK):
        argv = linter.argv(tool, ctx, files[i : i + _CHUNK])
        done = proc.run(argv, cwd=ctx.project, timeout=ctx.gate.timeout)
        if done.timed_out:
            raise LintOutputError(f"timed out after {ctx.gate.timeout:g} s")
        if done.returncode not in linter.ok_codes:
            raise LintOutputError(done.describe())
        raws += linter.parse(done)
    return raws


def _to_finding(linter: Linter, project: Path, raw: Raw) -> Finding:
    rule = _visible(raw.rule)[:100]
    path = _relative(project, raw.path) if raw.path else ""
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


def _nothing_to_lint(ctx: StageContext, started: float) -> StageResult:
    paths = ctx.options.get("paths") or []
    scope = f" under {', '.join(paths)}" if paths else ""
    languages = " or ".join(sorted({lt.language for lt in _enabled(ctx)})) or "lintable"
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


# --- small helpers --------------------------------------------------------------------------------


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


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None

"""Lint stage: run each language's linters (ruff check, ruff format --check) and turn their output into findings.

A linter is one `Linter` entry in `LINTERS`: which files it wants, which config files it reads, how to call
it and how to read its output. Severity of ruff rules (first matching prefix wins, see `RUFF_SEVERITY`):
syntax errors and `E9` (the file cannot be parsed or read) and pyflakes' undefined names → high;
other pyflakes `F`, bugbear `B` and bandit `S` → medium; style rules and formatting → low.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from lockgate import fsutil
from lockgate.config.options import Option
from lockgate.errors import ToolMissing
from lockgate.model import Finding, Location, Metric, Severity, StageResult, Status, fingerprint
from lockgate.stages.interface import StageContext
from lockgate.tools import proc

RUFF_HINT = (
    "install ruff 0.17.6: `.venv/bin/pip install ruff==0.17.6` (pinned in requirements/dev.txt)"
)
RUFF_CONFIGS = ("pyproject.toml", "ruff.toml", ".ruff.toml")
_CHUNK = 500  # files per linter call, well under any argv limit

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


class LintOutputError(Exception):
    """A linter's output could not be read; the message says what came back."""


@dataclass(frozen=True)
class Linter:
    """One linter: the files it checks, the config it honours, how to run it and read its output."""

    name: str  # shown as Finding.tool, e.g. "ruff"
    tool: str  # executable looked up with proc.require
    install_hint: str
    patterns: tuple[str, ...]  # files it checks (fsutil.matching globs)
    config_files: tuple[str, ...]  # basenames of config files that change its result
    argv: Callable[[str, StageContext, Sequence[str]], list[str]]  # (tool path, ctx, files) -> argv
    parse: Callable[[proc.Completed], list[dict[str, Any]]]  # -> raw items (ruff json shape)
    ok_codes: tuple[int, ...] = (0, 1)
    enabled: Callable[[StageContext], bool] = lambda ctx: True
    version_argv: tuple[str, ...] = ("--version",)


def _ruff_common(ctx: StageContext) -> list[str]:
    args = ["--no-cache", "--force-exclude", "--output-format", "json"]
    if not any((ctx.project / name).is_file() for name in RUFF_CONFIGS):
        args.append(
            "--isolated"
        )  # no project config: ruff defaults, not a config from a parent folder
    return args


def _ruff_check_argv(tool: str, ctx: StageContext, files: Sequence[str]) -> list[str]:
    return [tool, "check", *_ruff_common(ctx), "--", *files]


def _ruff_format_argv(tool: str, ctx: StageContext, files: Sequence[str]) -> list[str]:
    return [tool, "format", "--check", *_ruff_common(ctx), "--", *files]


def _parse_json_list(done: proc.Completed) -> list[dict[str, Any]]:
    try:
        data = json.loads(done.stdout or "[]")
    except json.JSONDecodeError as exc:
        raise LintOutputError(f"unreadable JSON ({exc}) from {done.describe()}") from exc
    if not isinstance(data, list) or not all(isinstance(i, dict) for i in data):
        raise LintOutputError(f"expected a JSON list of findings from {done.describe()}")
    return data


def _parse_ruff_format(done: proc.Completed) -> list[dict[str, Any]]:
    items = _parse_json_list(done)
    # syntax errors are reported by `ruff check` already; keep only the formatting verdicts
    return [dict(i, code="format") for i in items if i.get("code") != "invalid-syntax"]


PYTHON = ("*.py", "*.pyi")

LINTERS: tuple[Linter, ...] = (
    Linter("ruff", "ruff", RUFF_HINT, PYTHON, RUFF_CONFIGS, _ruff_check_argv, _parse_json_list),
    Linter(
        "ruff-format",
        "ruff",
        RUFF_HINT,
        PYTHON,
        RUFF_CONFIGS,
        _ruff_format_argv,
        _parse_ruff_format,
        ok_codes=(0, 1, 2),  # 2: a file could not be parsed; the JSON still lists the rest
        enabled=lambda ctx: bool(ctx.options.get("format", True)),
    ),
)


class LintStage:
    name: ClassVar[str] = "lint"
    needs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = (
        "Static lint and formatting checks (Python: ruff check, ruff format --check)"
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
        for tool, hint in {(lt.tool, lt.install_hint) for lt in _enabled(ctx)}:
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
            parts += [
                linter.name,
                version,
                fsutil.digest_files(ctx.project, sorted({*checked, *configs})),
            ]
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
                items = _run_linter(linter, tool, ctx, targets)
            except LintOutputError as exc:
                return _error(ctx, f"{linter.name} failed: {exc}", started)
            findings += (_to_finding(linter, ctx.project, i) for i in items)
            checked.update(targets)
        return _result(ctx, findings, checked, versions, started)


def _enabled(ctx: StageContext) -> list[Linter]:
    return [lt for lt in LINTERS if lt.enabled(ctx)]


def _selected(ctx: StageContext, files: Iterable[str]) -> list[str]:
    """Files under the `paths` option (all when it is empty)."""
    roots = [p.strip("/").removeprefix("./") for p in ctx.options.get("paths") or []]
    if not roots or "" in roots or "." in roots:
        return list(files)
    return [f for f in files if any(f == r or f.startswith(r + "/") for r in roots)]


_VERSIONS: dict[str, str] = {}


def _version(linter: Linter) -> str:
    tool = proc.require(linter.tool, linter.install_hint)
    if tool not in _VERSIONS:
        done = proc.run([tool, *linter.version_argv], timeout=30)
        _VERSIONS[tool] = (done.stdout.strip() or done.stderr.strip()).removeprefix(
            f"{linter.tool} "
        )
    return _VERSIONS[tool]


def _run_linter(
    linter: Linter, tool: str, ctx: StageContext, files: list[str]
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for i in range(0, len(files), _CHUNK):
        done = proc.run(
            linter.argv(tool, ctx, files[i : i + _CHUNK]), cwd=ctx.project, timeout=ctx.gate.timeout
        )
        if done.timed_out:
            raise LintOutputError(f"timed out after {ctx.gate.timeout:.0f} s")
        if done.returncode not in linter.ok_codes:
            raise LintOutputError(done.describe())
        items += linter.parse(done)
    return items


def _to_finding(linter: Linter, project: Path, item: dict[str, Any]) -> Finding:
    rule = _visible(str(item.get("code") or item.get("name") or "unknown"))[:100]
    filename = item.get("filename")
    path = _relative(project, filename) if isinstance(filename, str) and filename else ""
    loc, end = _dict(item.get("location")), _dict(item.get("end_location"))
    line, col = _int(loc.get("row")), _int(loc.get("column"))
    message = _visible(str(item.get("message") or rule))
    if rule == "format":
        message = "File would be reformatted; run `ruff format` on it"
    return Finding(
        stage="lint",
        tool=linter.name,
        rule_id=rule,
        message=message,
        severity=ruff_severity(rule),
        fingerprint=fingerprint(
            rule, path, _source_line(project / path, line) if path else message
        ),
        location=Location(path, line, col, _int(end.get("row")), _int(end.get("column")))
        if path
        else None,
        help_uri=item["url"] if isinstance(item.get("url"), str) and item["url"] else None,
        help_text=_fix_text(item),
    )


def ruff_severity(rule: str) -> Severity:
    """Severity of a ruff rule code (or `format` / `invalid-syntax`) by the first matching prefix."""
    for prefix, severity in RUFF_SEVERITY:
        if rule.startswith(prefix):
            return severity
    return Severity.LOW


# control characters and bidi overrides from the linted source, shown escaped instead of acted on
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)


def _fix_text(item: dict[str, Any]) -> str | None:
    fix = item.get("fix")
    if isinstance(fix, dict) and fix.get("message"):
        return f"{_visible(str(fix['message']))} (ruff can apply it: `ruff check --fix`)"
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _relative(project: Path, filename: str) -> str:
    path = project / filename  # ruff reports absolute paths; a relative one is relative to its cwd
    try:
        return path.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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


def _result(
    ctx: StageContext,
    findings: list[Finding],
    checked: set[str],
    versions: dict[str, str],
    started: float,
) -> StageResult:
    if not checked:
        scope = (
            " under " + ", ".join(ctx.options.get("paths") or [])
            if ctx.options.get("paths")
            else ""
        )
        return StageResult(
            stage="lint",
            status=Status.SKIPPED,
            summary=f"no files to lint{scope} (no Python files found)",
            duration=time.monotonic() - started,
        )
    findings.sort(key=_order)
    files_with = {f.location.path for f in findings if f.location}
    summary = (
        f"{len(findings)} finding(s) in {len(files_with)} of {len(checked)} file(s)"
        if findings
        else f"{len(checked)} file(s) clean"
    )
    return StageResult(
        stage="lint",
        status=Status.PASSED,
        findings=tuple(findings),
        metrics=(
            Metric("files", len(checked)),
            Metric("findings", len(findings)),
        ),
        duration=time.monotonic() - started,
        tool_versions=tuple(sorted(versions.items())),
        summary=summary,
    )


def _order(finding: Finding) -> tuple[str, int, int]:
    loc = finding.location or Location("")
    return loc.path, loc.start_line or 0, loc.start_col or 0


def _error(ctx: StageContext, summary: str, started: float) -> StageResult:
    return StageResult(
        stage="lint",
        status=Status.ERROR,
        summary=summary,
        duration=time.monotonic() - started,
    )

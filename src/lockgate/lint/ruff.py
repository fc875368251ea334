"""ruff: `ruff check` and `ruff format --check` on Python files, read from ruff's JSON output.

Severities (first matching prefix in `SEVERITY` wins): syntax errors, `E9` (file cannot be parsed or
read) and pyflakes' undefined names → high; other pyflakes `F`, bugbear `B`, bandit `S` → medium;
style rules and formatting → low.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from lockgate.config.options import Option
from lockgate.lint.interface import Linter, LintOutputError, Raw
from lockgate.model import Severity
from lockgate.tools import proc

HINT = "install ruff 0.17.6: `.venv/bin/pip install ruff==0.17.6` (pinned in requirements/dev.txt)"
CONFIGS = ("pyproject.toml", "ruff.toml", ".ruff.toml")
PYTHON = ("*.py", "*.pyi")
SEVERITY: tuple[tuple[str, Severity], ...] = (
    ("invalid-syntax", Severity.HIGH),
    ("E9", Severity.HIGH),
    ("F821", Severity.HIGH),
    ("F822", Severity.HIGH),
    ("F823", Severity.HIGH),
    ("F", Severity.MEDIUM),
    ("B", Severity.MEDIUM),
    ("S", Severity.MEDIUM),
)


def severity(rule: str) -> Severity:
    """Severity of a ruff rule code (or `format` / `invalid-syntax`) by the first matching prefix."""
    for prefix, level in SEVERITY:
        if rule.startswith(prefix):
            return level
    return Severity.LOW


def _common(project: Path) -> list[str]:
    args = ["--no-cache", "--force-exclude", "--output-format", "json"]
    if not any((project / name).is_file() for name in CONFIGS):
        args.append("--isolated")  # no project config: ruff's defaults, not a parent folder's
    return args


def _check_argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "check", *_common(project), "--", *files]


def _format_argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "format", "--check", *_common(project), "--", *files]


def _fix_argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "check", "--fix", "--exit-zero", *_common(project), "--", *files]


def _format_fix_argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "format", *_common(project), "--", *files]


def parse(done: proc.Completed) -> list[Raw]:
    try:
        data = json.loads(done.stdout or "[]")
    except json.JSONDecodeError as exc:
        raise LintOutputError(f"unreadable JSON ({exc}) from {done.describe()}") from exc
    if not isinstance(data, list) or not all(isinstance(i, dict) for i in data):
        raise LintOutputError(f"expected a JSON list of findings from {done.describe()}")
    return [_raw(item) for item in data]


def _raw(item: dict[str, Any]) -> Raw:
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


def _parse_format(done: proc.Completed) -> list[Raw]:
    # only the formatting verdicts: syntax and I/O errors are `ruff check`'s findings already
    return [
        replace(
            r, rule="format", message="File would be reformatted: run `ruff format` on it", fix=None
        )
        for r in parse(done)
        if r.rule == "unformatted"
    ]


CHECK = Linter(
    name="ruff",
    language="Python",
    tool="ruff",
    install_hint=HINT,
    patterns=PYTHON,
    config_files=CONFIGS,
    argv=_check_argv,
    parse=parse,
    severity=severity,
    fix_argv=_fix_argv,
)

FORMAT = Linter(
    name="ruff-format",
    language="Python",
    tool="ruff",
    install_hint=HINT,
    patterns=PYTHON,
    config_files=CONFIGS,
    argv=_format_argv,
    parse=_parse_format,
    severity=severity,
    options=(Option("format", "bool", True, "Also check formatting (ruff format --check)"),),
    enabled=lambda options: bool(options["format"]),
    ok_codes=(0, 1, 2),  # 2: a file could not be parsed; the JSON still lists the rest
    fix_argv=_format_fix_argv,
)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None

"""Helpers the linter modules share: tool levels to severities, JSON field readers, config lookup."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lockgate.lint.interface import LintOutputError
from lockgate.model import Severity
from lockgate.tools import proc

# a tool's own level of a problem → lockgate's severity (unknown levels count as low)
LEVELS: dict[str, Severity] = {
    "fatal": Severity.HIGH,
    "error": Severity.MEDIUM,
    "warning": Severity.LOW,
    "info": Severity.LOW,
    "convention": Severity.LOW,
    "refactor": Severity.LOW,
    "style": Severity.INFO,
}


def level(name: object) -> Severity:
    return LEVELS.get(str(name).lower(), Severity.LOW)


def low(rule: str) -> Severity:
    """The rule table of linters whose every problem carries its level: anything else is low."""
    return Severity.LOW


def load_json(done: proc.Completed, empty: str) -> Any:
    """The tool's JSON stdout (`empty` when it printed nothing); LintOutputError when unreadable."""
    try:
        return json.loads(done.stdout.strip() or empty)
    except json.JSONDecodeError as exc:
        raise LintOutputError(f"unreadable JSON ({exc}) from {done.describe()}") from exc


def json_items(done: proc.Completed, what: str) -> list[dict[str, Any]]:
    """The tool's JSON list of `what` (entries that are not objects read as empty ones)."""
    data = load_json(done, "[]")
    if not isinstance(data, list):
        raise LintOutputError(f"expected a JSON list of {what} from {done.describe()}")
    return [as_dict(item) for item in data]


def matched_lines(done: proc.Completed, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """One match per line of the tool's text output; LintOutputError on a line that fits not."""
    for text in done.stdout.splitlines():
        match = pattern.match(text)
        if match:
            yield match
        elif text.strip():
            raise LintOutputError(f"unreadable line {text!r} from {done.describe()}")


def has_config(project: Path, names: tuple[str, ...]) -> bool:
    """Whether the project keeps one of the tool's config files at its root."""
    return any((project / name).is_file() for name in names)


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None

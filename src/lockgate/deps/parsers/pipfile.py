"""Pipfile without Pipfile.lock: `==` pins are checked; ranges, `*` and git/path entries are skipped."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers.common import load_toml, read_text, table


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    if (path.parent / "Pipfile.lock").exists():
        return ParseResult(empty_ok=True)  # the lock file is parsed instead
    text = read_text(path)
    data = load_toml(text, "pipenv")
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []
    for section in ("packages", "dev-packages"):
        for name, value in table(data, section).items():
            match = re.search(rf'^[ \t]*"?{re.escape(name)}"?[ \t]*=', text, re.M)
            line = text.count("\n", 0, match.start()) + 1 if match else None
            version, why, kind = _pin(value)
            if version:
                deps.append(Dependency(Ecosystem.PYPI, name, version, rel, line, True))
            else:
                skipped.append(SkippedDependency(Ecosystem.PYPI, name, rel, line, why, kind))
    if deps or skipped:
        why = "no Pipfile.lock beside Pipfile"
        skipped.append(
            SkippedDependency(
                Ecosystem.PYPI, "(what these pull in)", rel, None, why, SkipReason.NO_LOCK
            )
        )
    return ParseResult(tuple(deps), tuple(skipped), empty_ok=not (deps or skipped))


def _pin(value: Any) -> tuple[str | None, str, SkipReason]:
    if isinstance(value, dict):
        source = next((k for k in ("git", "path", "file", "editable") if k in value), None)
        if source:
            return None, f"{source} entry", SkipReason.NOT_REGISTRY
        value = value.get("version", "*")
    text = str(value).strip()
    try:
        specs = list(SpecifierSet(text)) if text != "*" else []
    except InvalidSpecifier:
        return None, text[:80], SkipReason.UNPINNED
    pins = [s.version for s in specs if s.operator in {"==", "==="} and "*" not in s.version]
    return (pins[0], "", SkipReason.UNPINNED) if pins else (None, text or "*", SkipReason.UNPINNED)

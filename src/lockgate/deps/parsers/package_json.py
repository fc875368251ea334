"""package.json without a lock file: exact versions are checked, ranges and the rest are skipped.

Beside a lock file lockgate reads (or in a workspace whose root has one) the lock is read instead.
Without one, what each dependency pulls in is unknown: that is reported too.
"""

from __future__ import annotations

import json
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers.common import (
    Lines,
    Unparsable,
    find_up,
    load_json,
    read_text,
    table,
)
from lockgate.deps.parsers.npm_spec import classify

LOCKS = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml")
_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies")


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    if _locked(project, path.parent):
        return ParseResult(empty_ok=True)
    text = read_text(path)
    data = load_json(text, "npm init")
    if not isinstance(data, dict):
        raise Unparsable("not a package.json object", "fix the file (it must be a JSON object)")
    lines = Lines(text)
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []
    for section in _SECTIONS:
        start, _ = lines.find(json.dumps(section))
        cursor = max(start, 0)
        for alias, value in table(data, section).items():
            at, line = lines.find(json.dumps(alias), cursor)
            cursor = at + 1 if at >= 0 else cursor
            if not isinstance(value, str):
                why = "the version is not a string"
                skipped.append(_skip(alias, rel, line, why, SkipReason.MALFORMED))
                continue
            if value.startswith("workspace:"):
                continue  # one of the project's own workspaces
            spec = classify(alias, value)
            if spec.not_registry:
                skipped.append(_skip(alias, rel, line, spec.not_registry, SkipReason.NOT_REGISTRY))
            elif spec.exact:
                deps.append(Dependency(Ecosystem.NPM, spec.name, spec.exact, rel, line, True))
            else:
                skipped.append(_skip(spec.name, rel, line, spec.text, SkipReason.UNPINNED))
    declared = bool(deps or skipped)
    if declared:
        why = "no package-lock.json, yarn.lock or pnpm-lock.yaml beside package.json"
        skipped.append(_skip("(what these pull in)", rel, None, why, SkipReason.NO_LOCK))
    return ParseResult(tuple(deps), tuple(skipped), empty_ok=not declared)


def _skip(name: str, rel: str, line: int | None, why: str, kind: SkipReason) -> SkippedDependency:
    return SkippedDependency(Ecosystem.NPM, name, rel, line, why, kind)


def _locked(project: Path, folder: Path) -> bool:
    """A lock beside it, or a workspace root above it that has one."""
    if any((folder / lock).is_file() for lock in LOCKS):
        return True
    if folder == project:
        return False
    lock = find_up(folder.parent, project, LOCKS)
    if lock is None:
        return False
    if (lock.parent / "pnpm-workspace.yaml").is_file():
        return True
    try:
        root = json.loads((lock.parent / "package.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(root, dict) and "workspaces" in root

"""package-lock.json / npm-shrinkwrap.json, lockfileVersion 1 (nested `dependencies`) to 3 (`packages`).

Aliases (`"x": "npm:node-fetch@3.1.0"`) are checked as the real package; git, file and tarball-URL
packages are not registry releases and are skipped; links and workspaces are the project's own.
Entries are located with one forward pass over the text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers.common import (
    Lines,
    Unparsable,
    direct_npm_names,
    load_json,
    read_text,
    table,
)
from lockgate.deps.parsers.npm_spec import classify

_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")


def parse(project: Path, rel: str) -> ParseResult:
    text = read_text(project / rel)
    data = load_json(text, "npm install")
    if not isinstance(data, dict):
        raise Unparsable("not a package-lock object", "regenerate it with `npm install`")
    if isinstance(data.get("packages"), dict):
        return _v2(data["packages"], Lines(text), rel)
    if not isinstance(data.get("dependencies"), dict) and "lockfileVersion" not in data:
        raise Unparsable(
            "neither `packages` nor `dependencies`", "regenerate it with `npm install`"
        )
    return _v1(data, Lines(text), rel, direct_npm_names((project / rel).parent))


def _skip(name: str, rel: str, line: int | None, why: str, kind: SkipReason) -> SkippedDependency:
    return SkippedDependency(Ecosystem.NPM, name, rel, line, why, kind)


def _v2(packages: dict[str, Any], lines: Lines, rel: str) -> ParseResult:
    root = table(packages, "")
    direct: set[str] = set()
    for section in _SECTIONS:
        direct |= set(table(root, section))
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []
    cursor = 0
    for path, info in packages.items():
        if not path or "node_modules/" not in path:
            continue  # the project itself, or a workspace folder (the project's own code)
        at, line = lines.find(json.dumps(path), cursor)
        if at < 0:
            at, line = lines.find(json.dumps(path, ensure_ascii=False), cursor)
        cursor = at + 1 if at >= 0 else cursor
        alias = path.rsplit("node_modules/", 1)[1]
        if not isinstance(info, dict):
            skipped.append(_skip(alias, rel, line, "entry is not an object", SkipReason.MALFORMED))
            continue
        if info.get("link"):
            continue  # a symlink to a workspace or local folder
        name, version = info.get("name", alias), info.get("version")
        if not isinstance(name, str) or not name:
            skipped.append(_skip(alias, rel, line, "`name` is not a string", SkipReason.MALFORMED))
            continue
        resolved = info.get("resolved")
        why = _not_registry(resolved) if isinstance(resolved, str) else None
        if why:
            skipped.append(_skip(name, rel, line, why, SkipReason.NOT_REGISTRY))
        elif not isinstance(version, str) or not version:
            skipped.append(_skip(name, rel, line, "no version in the lock", SkipReason.MALFORMED))
        else:
            is_direct = path == f"node_modules/{alias}" and alias in direct
            deps.append(Dependency(Ecosystem.NPM, name, version, rel, line, is_direct))
    return ParseResult(tuple(deps), tuple(skipped), empty_ok=True)


def _not_registry(resolved: str) -> str | None:
    """Why a `resolved` value is not a registry tarball (registry tarball URLs hold `/-/`)."""
    if re.match(r"^https?://", resolved, re.I):
        return None if "/-/" in resolved else f"tarball URL {resolved[:80]}"
    if classify("x", resolved).not_registry:
        return f"{resolved[:80]} is not a registry release"
    return None


def _object_key(lines: Lines, key: str, cursor: int) -> tuple[int, int | None]:
    """(offset, line) of `"key": {` at or after `cursor` (npm's own layout first, then any)."""
    at, line = lines.find(json.dumps(key) + ": {", cursor)
    if at >= 0:
        return at, line
    match = re.compile(re.escape(json.dumps(key)) + r"\s*:\s*\{").search(lines.text, cursor)
    return (match.start(), lines.at(match.start())) if match else (-1, None)


def _v1(data: dict[str, Any], lines: Lines, rel: str, declared: set[str]) -> ParseResult:
    """Top-level entries are direct unless a package.json beside the lock says otherwise.

    Nested `dependencies` are walked depth-first in document order, so one cursor moving forward
    finds every entry's line (the `"name": {` of its object, not a `requires` mention).
    """
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []
    cursor = 0
    stack: list[tuple[str, Any, int]] = [
        (n, i, 0) for n, i in reversed(list(table(data, "dependencies").items()))
    ]
    while stack:
        alias, info, depth = stack.pop()
        at, line = _object_key(lines, alias, cursor)
        cursor = at + 1 if at >= 0 else cursor
        if not isinstance(info, dict):
            skipped.append(_skip(alias, rel, line, "entry is not an object", SkipReason.MALFORMED))
            continue
        version = info.get("version")
        if not isinstance(version, str) or not version:
            skipped.append(_skip(alias, rel, line, "no version in the lock", SkipReason.MALFORMED))
        else:
            spec = classify(alias, version)
            if spec.not_registry:
                skipped.append(_skip(alias, rel, line, spec.not_registry, SkipReason.NOT_REGISTRY))
            else:
                direct = depth == 0 and (not declared or alias in declared)
                real = spec.exact or version
                deps.append(Dependency(Ecosystem.NPM, spec.name, real, rel, line, direct))
        children = table(info, "dependencies")
        stack += [(n, i, depth + 1) for n, i in reversed(list(children.items()))]
    return ParseResult(tuple(deps), tuple(skipped), empty_ok=True)

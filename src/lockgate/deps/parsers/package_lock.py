"""package-lock.json / npm-shrinkwrap.json, lockfileVersion 1 (nested `dependencies`) to 3 (`packages`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency
from lockgate.deps.parsers.common import Unparsable, direct_npm_names, line_of, load_json, read_text


def parse(project: Path, rel: str) -> ParseResult:
    text = read_text(project / rel)
    data = load_json(text, "npm install")
    if not isinstance(data, dict):
        raise Unparsable("not a package-lock object", "regenerate it with `npm install`")
    if isinstance(data.get("packages"), dict):
        return _v2(data, text, rel)
    return _v1(data, text, rel, direct_npm_names((project / rel).parent))


def _v2(data: dict[str, Any], text: str, rel: str) -> ParseResult:
    root = data["packages"].get("", {})
    direct = set()
    for section in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
        direct |= set(root.get(section) or {})
    deps, skipped = [], []
    for path, info in data["packages"].items():
        if (
            not path
            or "node_modules/" not in path
            or not isinstance(info, dict)
            or info.get("link")
        ):
            continue
        name = info.get("name") or path.rsplit("node_modules/", 1)[1]
        line = line_of(text, json.dumps(path))
        version = info.get("version")
        if not version:
            skipped.append(
                SkippedDependency(Ecosystem.NPM, name, rel, line, "no version in the lock")
            )
            continue
        is_direct = path == f"node_modules/{name}" and name in direct
        deps.append(Dependency(Ecosystem.NPM, name, str(version), rel, line, is_direct))
    return ParseResult(tuple(deps), tuple(skipped))


def _v1(data: dict[str, Any], text: str, rel: str, declared: set[str]) -> ParseResult:
    """Top-level entries are direct unless a package.json beside the lock says otherwise."""
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []

    def walk(tree: dict[str, Any], depth: int, cursor: int) -> None:
        for name, info in tree.items():
            if not isinstance(info, dict):
                continue
            at = text.find(json.dumps(name) + ":", cursor)
            line = text.count("\n", 0, at) + 1 if at >= 0 else None
            version = str(info.get("version", ""))
            if not version or ":" in version or "/" in version:
                skipped.append(
                    SkippedDependency(
                        Ecosystem.NPM,
                        name,
                        rel,
                        line,
                        f"not a registry version ({version or 'none'})",
                    )
                )
            else:
                direct = depth == 0 and (not declared or name in declared)
                deps.append(Dependency(Ecosystem.NPM, name, version, rel, line, direct))
            walk(info.get("dependencies") or {}, depth + 1, max(at, cursor))

    walk(data.get("dependencies") or {}, 0, 0)
    return ParseResult(tuple(deps), tuple(skipped))

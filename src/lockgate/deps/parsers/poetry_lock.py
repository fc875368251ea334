"""poetry.lock and uv.lock: TOML `[[package]]` tables with exact versions and where each came from.

Registry releases are checked; git, URL, file and directory sources are not releases of the
registry and are skipped (a namesake's advisories never apply to them). The project itself and
its uv workspace members are the project's own code, not dependencies.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers.common import (
    Unparsable,
    direct_python_names,
    items,
    load_toml,
    package_lines,
    read_text,
    table,
)

_POETRY_REGISTRY = {"", "legacy", "pypi"}
_UV_LOCAL = ("editable", "virtual")
_UV_OTHER = ("git", "url", "path", "directory")


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    text = read_text(path)
    uv = path.name == "uv.lock"
    data = load_toml(text, "uv lock" if uv else "poetry lock")
    packages = data.get("package", [])
    if not isinstance(packages, list):
        raise Unparsable("`package` is not an array of tables", "regenerate the lock file")
    direct = direct_python_names(path.parent)
    members = {str(m) for m in items(table(data, "manifest").get("members"))}
    lines = package_lines(text)
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []
    for i, package in enumerate(packages):
        line = lines[i] if i < len(lines) else None
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            skipped.append(_skip(str(i), rel, line, "no package name", SkipReason.MALFORMED))
            continue
        name, version = package["name"], package.get("version")
        why = _uv_source(package, members) if uv else _poetry_source(package)
        if why == "":
            continue  # the project itself or a workspace member
        if why:
            skipped.append(_skip(name, rel, line, why, SkipReason.NOT_REGISTRY))
        elif not isinstance(version, str) or not version:
            skipped.append(_skip(name, rel, line, "no version in the lock", SkipReason.MALFORMED))
        else:
            is_direct = re.sub(r"[-_.]+", "-", name).lower() in direct
            deps.append(Dependency(Ecosystem.PYPI, name, version, rel, line, is_direct))
    return ParseResult(tuple(deps), tuple(skipped), empty_ok="package" in data)


def _skip(name: str, rel: str, line: int | None, why: str, kind: SkipReason) -> SkippedDependency:
    return SkippedDependency(Ecosystem.PYPI, name, rel, line, why, kind)


def _poetry_source(package: dict[str, Any]) -> str | None:
    """None for a registry release, else which kind of source it came from."""
    source = package.get("source")
    if source is None:
        return None
    kind = str(table(package, "source").get("type", "?")) if isinstance(source, dict) else "?"
    if kind in _POETRY_REGISTRY:
        return None
    url = str(table(package, "source").get("url", ""))[:80]
    return f"{kind} source {url}".strip()


def _uv_source(package: dict[str, Any], members: set[str]) -> str | None:
    """None for a registry release, "" for the project or a workspace member, else the source."""
    source = table(package, "source")
    if "registry" in source or not source:
        return None
    for key in _UV_LOCAL:
        if key in source and (source[key] == "." or package.get("name") in members):
            return ""
    for key in (*_UV_OTHER, *_UV_LOCAL):
        if key in source:
            return f"{key} source {str(source[key])[:80]}"
    return "an unknown kind of source"

"""pdm.lock: TOML `[[package]]` tables; `git`, `url` and `path` packages are not registry releases."""

from __future__ import annotations

import re
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers.common import (
    Unparsable,
    direct_python_names,
    load_toml,
    package_lines,
    read_text,
    table,
)


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    text = read_text(path)
    data = load_toml(text, "pdm lock")
    packages = data.get("package", [])
    if not isinstance(packages, list):
        raise Unparsable("`package` is not an array of tables", "regenerate it with `pdm lock`")
    if not packages and not table(data, "metadata"):
        raise Unparsable("neither [metadata] nor [[package]]", "regenerate it with `pdm lock`")
    direct = direct_python_names(path.parent)
    lines = package_lines(text)
    deps: dict[tuple[str, str], Dependency] = {}
    skipped: list[SkippedDependency] = []
    for i, package in enumerate(packages):
        line = lines[i] if i < len(lines) else None
        name = package.get("name") if isinstance(package, dict) else None
        if not isinstance(name, str) or not isinstance(package, dict):
            skipped.append(_skip(str(i), rel, line, "no package name", SkipReason.MALFORMED))
            continue
        version = package.get("version")
        source = next((k for k in ("git", "url", "path") if k in package), None)
        if source == "path" and package["path"] in {".", "./"}:
            continue  # the project itself
        if source:
            where = f"{source} source {str(package[source])[:80]}"
            skipped.append(_skip(name, rel, line, where, SkipReason.NOT_REGISTRY))
        elif not isinstance(version, str) or not version:
            skipped.append(_skip(name, rel, line, "no version in the lock", SkipReason.MALFORMED))
        else:  # one entry per extra ("requests[socks]") repeats the same release
            is_direct = re.sub(r"[-_.]+", "-", name).lower() in direct
            dep = Dependency(Ecosystem.PYPI, name, version, rel, line, is_direct)
            deps.setdefault((dep.key[1], version), dep)
    return ParseResult(tuple(deps.values()), tuple(skipped), empty_ok=True)


def _skip(name: str, rel: str, line: int | None, why: str, kind: SkipReason) -> SkippedDependency:
    return SkippedDependency(Ecosystem.PYPI, name, rel, line, why, kind)

"""Directory.Packages.props (central package management): `<PackageVersion>` versions are checked."""

from __future__ import annotations

import json
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers import msbuild
from lockgate.deps.parsers.common import Lines, read_text

_TAGS = {"PackageVersion", "GlobalPackageReference"}


def parse(project: Path, rel: str) -> ParseResult:
    text = read_text(project / rel)
    root = msbuild.load(text, "fix Directory.Packages.props")
    props = msbuild.properties(root)
    lines = Lines(text)
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []
    cursor = 0
    for entry in root.iter():
        if msbuild.local(entry.tag) not in _TAGS:
            continue
        name = entry.get("Include") or entry.get("Update") or ""
        at, line = lines.find(json.dumps(name), cursor)
        cursor = at + 1 if at >= 0 else cursor
        version = msbuild.expand((entry.get("Version") or "").strip(), props)
        pinned = msbuild.exact(version)
        if pinned:
            deps.append(Dependency(Ecosystem.NUGET, name, pinned, rel, line, True))
        else:
            why = f"{version!r} is a range, floating or unresolved" if version else "no Version"
            skipped.append(
                SkippedDependency(Ecosystem.NUGET, name, rel, line, why, SkipReason.UNPINNED)
            )
    return ParseResult(tuple(deps), tuple(skipped), empty_ok=True)

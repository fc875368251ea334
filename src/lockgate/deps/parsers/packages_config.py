"""packages.config (NuGet's older format): every installed package with its exact version."""

from __future__ import annotations

import json
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers import msbuild
from lockgate.deps.parsers.common import Lines, Unparsable, read_text


def parse(project: Path, rel: str) -> ParseResult:
    text = read_text(project / rel)
    root = msbuild.load(text, "fix packages.config")
    if msbuild.local(root.tag) != "packages":
        raise Unparsable("the root element is not <packages>", "fix packages.config")
    lines = Lines(text)
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []
    cursor = 0
    for entry in root:
        if msbuild.local(entry.tag) != "package":
            continue
        name, version = entry.get("id") or "", (entry.get("version") or "").strip()
        at, line = lines.find(json.dumps(name), cursor)
        cursor = at + 1 if at >= 0 else cursor
        if name and version:  # packages.config lists the exact installed version
            deps.append(Dependency(Ecosystem.NUGET, name, version, rel, line, True))
        else:
            why = "no id or version"
            skipped.append(
                SkippedDependency(Ecosystem.NUGET, name, rel, line, why, SkipReason.MALFORMED)
            )
    return ParseResult(tuple(deps), tuple(skipped), empty_ok=True)

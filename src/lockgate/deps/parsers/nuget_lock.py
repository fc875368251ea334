"""NuGet packages.lock.json: per target framework, Direct/Transitive packages with `resolved` versions."""

from __future__ import annotations

import json
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers.common import Lines, Unparsable, load_json, read_text, table


def parse(project: Path, rel: str) -> ParseResult:
    text = read_text(project / rel)
    data = load_json(text, "dotnet restore --use-lock-file")
    frameworks = data.get("dependencies") if isinstance(data, dict) else None
    if not isinstance(frameworks, dict):
        raise Unparsable(
            "no `dependencies` object", "regenerate it with `dotnet restore --use-lock-file`"
        )
    lines = Lines(text)
    deps: dict[tuple[str, str], Dependency] = {}
    skipped: list[SkippedDependency] = []
    cursor = 0
    for framework in frameworks:
        at, _ = lines.find(json.dumps(framework), cursor)
        cursor = at + 1 if at >= 0 else cursor
        for name, info in table(frameworks, framework).items():
            at, line = lines.find(json.dumps(name) + ":", cursor)
            cursor = at + 1 if at >= 0 else cursor
            resolved = info.get("resolved") if isinstance(info, dict) else None
            if not isinstance(info, dict) or info.get("type") == "Project":
                continue  # another project of the solution: the project's own code
            if not isinstance(resolved, str) or not resolved:
                why = "no `resolved` version"
                skipped.append(
                    SkippedDependency(Ecosystem.NUGET, name, rel, line, why, SkipReason.MALFORMED)
                )
                continue
            key = (name.lower(), resolved)
            if key not in deps:
                deps[key] = Dependency(
                    Ecosystem.NUGET, name, resolved, rel, line, info.get("type") == "Direct"
                )
    return ParseResult(tuple(deps.values()), tuple(skipped), empty_ok=True)

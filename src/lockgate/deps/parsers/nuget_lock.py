"""NuGet packages.lock.json: per target framework, Direct/Transitive packages with `resolved` versions."""

from __future__ import annotations

import json
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult
from lockgate.deps.parsers.common import Unparsable, line_of, load_json, read_text


def parse(project: Path, rel: str) -> ParseResult:
    text = read_text(project / rel)
    data = load_json(text, "dotnet restore --use-lock-file")
    frameworks = data.get("dependencies") if isinstance(data, dict) else None
    if not isinstance(frameworks, dict):
        raise Unparsable(
            "no `dependencies` object", "regenerate it with `dotnet restore --use-lock-file`"
        )
    deps: dict[tuple[str, str], Dependency] = {}
    for framework, packages in frameworks.items():
        start = text.find(json.dumps(framework))
        for name, info in (packages or {}).items():
            if (
                not isinstance(info, dict)
                or info.get("type") == "Project"
                or not info.get("resolved")
            ):
                continue
            version = str(info["resolved"])
            line = line_of(text, json.dumps(name) + ":", max(start, 0))
            key = (name.lower(), version)
            if key not in deps:
                deps[key] = Dependency(
                    Ecosystem.NUGET, name, version, rel, line, info.get("type") == "Direct"
                )
    return ParseResult(tuple(deps.values()))

"""*.csproj `<PackageReference>` without a packages.lock.json: exact versions checked, ranges skipped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency
from lockgate.deps.parsers.common import Unparsable, line_of, read_text

_EXACT = re.compile(r"^\[?(\d+(?:\.\d+){1,3}(?:-[0-9A-Za-z.-]+)?)\]?$")


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    if (path.parent / "packages.lock.json").exists():
        return ParseResult()  # the lock file is parsed instead
    text = read_text(path)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise Unparsable(f"invalid XML: {exc}", "fix the project file", exc.position[0]) from exc
    deps, skipped = [], []
    for ref in root.iter():
        if ref.tag.rsplit("}", 1)[-1] != "PackageReference":
            continue
        name = ref.get("Include") or ref.get("Update") or ""
        child = next((c.text for c in ref if c.tag.rsplit("}", 1)[-1] == "Version"), None)
        version = (ref.get("Version") or child or "").strip()
        line = line_of(text, f'"{name}"')
        exact = _EXACT.match(version)
        if exact and version.startswith("[") == version.endswith("]"):
            deps.append(Dependency(Ecosystem.NUGET, name, exact.group(1), rel, line, True))
        else:
            why = (
                f"version {version!r} is a range or floating"
                if version
                else ("no Version (central package management?)")
            )
            skipped.append(
                SkippedDependency(
                    Ecosystem.NUGET,
                    name,
                    rel,
                    line,
                    f"{why}; enable packages.lock.json "
                    "(RestorePackagesWithLockFile) for exact versions",
                )
            )
    return ParseResult(tuple(deps), tuple(skipped))

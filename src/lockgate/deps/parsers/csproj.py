"""*.csproj, *.fsproj, *.vbproj `<PackageReference>` without packages.lock.json.

Exact versions are checked; ranges, floating versions and unresolved properties are skipped.
Without a Version the version is set centrally in a Directory.Packages.props above the project,
which is read on its own. What the packages pull in is unknown without the lock: reported too.
"""

from __future__ import annotations

import json
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers import msbuild
from lockgate.deps.parsers.common import Lines, find_up, read_text

_FIX = "fix the project file"


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    if (path.parent / "packages.lock.json").exists():
        return ParseResult(empty_ok=True)  # the lock file is parsed instead
    text = read_text(path)
    root = msbuild.load(text, _FIX)
    props = msbuild.properties(root)
    central = find_up(path.parent, project, ("Directory.Packages.props",)) is not None
    lines = Lines(text)
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []
    cursor = 0
    for ref in root.iter():
        if msbuild.local(ref.tag) != "PackageReference":
            continue
        name = ref.get("Include") or ref.get("Update") or ""
        at, line = lines.find(json.dumps(name), cursor)
        cursor = at + 1 if at >= 0 else cursor
        child = next((c.text for c in ref if msbuild.local(c.tag) == "Version"), None)
        written = (ref.get("VersionOverride") or ref.get("Version") or child or "").strip()
        if not written and central:
            continue  # the version is in Directory.Packages.props, which is checked on its own
        version = msbuild.expand(written, props)
        pinned = msbuild.exact(version)
        if pinned:
            deps.append(Dependency(Ecosystem.NUGET, name, pinned, rel, line, True))
            continue
        why = f"{version!r} is a range, floating or unresolved" if version else "no Version"
        skipped.append(_skip(name, rel, line, why, SkipReason.UNPINNED))
    if deps or skipped:
        why = "no packages.lock.json beside the project (RestorePackagesWithLockFile)"
        skipped.append(_skip("(what these pull in)", rel, None, why, SkipReason.NO_LOCK))
    return ParseResult(tuple(deps), tuple(skipped), empty_ok=True)


def _skip(name: str, rel: str, line: int | None, why: str, kind: SkipReason) -> SkippedDependency:
    return SkippedDependency(Ecosystem.NUGET, name, rel, line, why, kind)

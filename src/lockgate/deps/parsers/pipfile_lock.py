"""Pipfile.lock: JSON `default` and `develop` sections with `==` versions; git, path and editable
entries are not registry releases."""

from __future__ import annotations

import json
import re
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers.common import (
    Lines,
    Unparsable,
    direct_python_names,
    load_json,
    read_text,
    table,
)


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    text = read_text(path)
    data = load_json(text, "pipenv lock")
    if not isinstance(data, dict) or not ({"default", "develop", "_meta"} & set(data)):
        raise Unparsable("no `default` or `develop` section", "regenerate it with `pipenv lock`")
    direct = direct_python_names(path.parent)
    lines = Lines(text)
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []
    for section in ("default", "develop"):
        cursor, _ = lines.find(json.dumps(section))
        cursor = max(cursor, 0)
        for name, info in table(data, section).items():
            at, line = lines.find(json.dumps(name), cursor)
            cursor = at + 1 if at >= 0 else cursor
            version = info.get("version") if isinstance(info, dict) else None
            if not isinstance(version, str) or not version.startswith("=="):
                source = next((k for k in ("git", "path", "file", "editable") if k in info), "")
                kind = SkipReason.NOT_REGISTRY if source else SkipReason.UNPINNED
                why = f"{source} entry" if source else "no pinned version"
                skipped.append(SkippedDependency(Ecosystem.PYPI, name, rel, line, why, kind))
                continue
            is_direct = re.sub(r"[-_.]+", "-", name).lower() in direct
            deps.append(Dependency(Ecosystem.PYPI, name, version[2:], rel, line, is_direct))
    return ParseResult(tuple(deps), tuple(skipped), empty_ok=True)

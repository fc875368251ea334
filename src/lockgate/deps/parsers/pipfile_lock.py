"""Pipfile.lock: JSON `default` and `develop` sections with `==` versions."""

from __future__ import annotations

import re
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency
from lockgate.deps.parsers.common import direct_python_names, line_of, load_json, read_text


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    text = read_text(path)
    data = load_json(text, "pipenv lock")
    direct = direct_python_names(path.parent)
    deps, skipped = [], []
    for section in ("default", "develop"):
        start = text.find(f'"{section}"')
        for name, info in (data.get(section) or {}).items():
            line = line_of(text, f'"{name}"', max(start, 0))
            version = str((info or {}).get("version", ""))
            if not version.startswith("=="):
                skipped.append(
                    SkippedDependency(
                        Ecosystem.PYPI, name, rel, line, "no pinned version (git, path or editable)"
                    )
                )
                continue
            is_direct = re.sub(r"[-_.]+", "-", name).lower() in direct
            deps.append(Dependency(Ecosystem.PYPI, name, version[2:], rel, line, is_direct))
    return ParseResult(tuple(deps), tuple(skipped))

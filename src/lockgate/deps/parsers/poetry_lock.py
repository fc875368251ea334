"""poetry.lock and uv.lock: TOML `[[package]]` tables with exact versions."""

from __future__ import annotations

import re
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency
from lockgate.deps.parsers.common import direct_python_names, line_of, load_toml, read_text


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    text = read_text(path)
    tool = "uv lock" if path.name == "uv.lock" else "poetry lock"
    data = load_toml(text, tool)
    direct = direct_python_names(path.parent)
    deps, skipped = [], []
    cursor = 0
    for package in data.get("package", []):
        name, version = str(package.get("name", "")), package.get("version")
        at = text.find(f'name = "{name}"', cursor)
        line = line_of(text, f'name = "{name}"', cursor)
        cursor = at + 1 if at >= 0 else cursor
        source = package.get("source") or {}
        if isinstance(source, dict) and (
            {"editable", "virtual", "path", "directory"} & set(source)
        ):
            continue  # the project itself or a local path package
        if not version:
            skipped.append(
                SkippedDependency(Ecosystem.PYPI, name, rel, line, "no version in the lock")
            )
            continue
        is_direct = re.sub(r"[-_.]+", "-", name).lower() in direct
        deps.append(Dependency(Ecosystem.PYPI, name, str(version), rel, line, is_direct))
    return ParseResult(tuple(deps), tuple(skipped))

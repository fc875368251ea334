"""pyproject.toml without a lock file beside it: exact pins are checked, the rest is skipped.

Read: `[project]` dependencies and optional-dependencies, `[dependency-groups]` (PEP 735), uv's and
PDM's dev-dependencies, and Poetry's dependencies, dev-dependencies and groups. Beside a lock file
(or inside a uv workspace whose root has one) the lock is read instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from lockgate.deps.model import (
    Dependency,
    Ecosystem,
    FileProblem,
    ParseResult,
    SkippedDependency,
    SkipReason,
)
from lockgate.deps.parsers.common import (
    Unparsable,
    find_up,
    items,
    line_of,
    load_toml,
    read_text,
    table,
)
from lockgate.deps.parsers.requirements import pinned_version

LOCKS = ("poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock")
_POETRY_EXACT = re.compile(r"^(?:==)?\s*([0-9][0-9A-Za-z.+!_-]*)$")


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    if _locked(project, path):
        return ParseResult(empty_ok=True)  # the lock file is parsed instead
    text = read_text(path)
    data = load_toml(text, "a TOML linter")
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []
    problems: list[FileProblem] = []
    for spec in _pep508_specs(data):
        line = line_of(text, f'"{spec}"') or line_of(text, spec)
        try:
            req = Requirement(spec)
        except InvalidRequirement as exc:
            problems.append(
                FileProblem(rel, line, f"not a requirement: {exc}", "fix the PEP 508 string")
            )
            continue
        version = pinned_version(req)
        if req.url:
            skipped.append(
                _skip(req.name, rel, line, f"from {req.url[:80]}", SkipReason.NOT_REGISTRY)
            )
        elif version:
            deps.append(Dependency(Ecosystem.PYPI, req.name, version, rel, line, True))
        else:
            why = str(req.specifier) or "any version"
            skipped.append(_skip(req.name, rel, line, why, SkipReason.UNPINNED))
    for name, constraint in _poetry_deps(data):
        line = _key_line(text, name)
        version, why, kind = _poetry_constraint(constraint)
        if version:
            deps.append(Dependency(Ecosystem.PYPI, name, version, rel, line, True))
        else:
            skipped.append(_skip(name, rel, line, why, kind))
    declared = bool(deps or skipped or problems)
    if declared and not any(path.parent.glob("requirements*.txt")):
        skipped.append(
            _skip(
                "(what these pull in)",
                rel,
                None,
                "no lock file beside pyproject.toml",
                SkipReason.NO_LOCK,
            )
        )
    return ParseResult(tuple(deps), tuple(skipped), tuple(problems), empty_ok=not declared)


def _skip(name: str, rel: str, line: int | None, why: str, kind: SkipReason) -> SkippedDependency:
    return SkippedDependency(Ecosystem.PYPI, name, rel, line, why, kind)


def _locked(project: Path, path: Path) -> bool:
    if any((path.parent / lock).exists() for lock in LOCKS):
        return True
    if path.parent == project:
        return False
    root = find_up(path.parent.parent, project, ("uv.lock",))
    if root is None:
        return False
    try:
        workspace = table(load_toml(read_text(root.parent / "pyproject.toml"), ""), "tool", "uv")
    except Unparsable:  # an unreadable root pyproject is reported when that file is parsed
        return False
    return "workspace" in workspace


def _key_line(text: str, name: str) -> int | None:
    """Line of a `name = ...` key (bare or quoted) at the start of a line."""
    match = re.search(rf'^[ \t]*"?{re.escape(name)}"?[ \t]*=', text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _pep508_specs(data: dict[str, Any]) -> Iterator[str]:
    project = table(data, "project")
    groups: list[Any] = [project.get("dependencies")]
    groups += list(table(project, "optional-dependencies").values())
    groups += list(
        table(data, "dependency-groups").values()
    )  # PEP 735; include-group entries skipped
    groups.append(table(data, "tool", "uv").get("dev-dependencies"))
    groups += list(table(data, "tool", "pdm", "dev-dependencies").values())
    for group in groups:
        yield from (s for s in items(group) if isinstance(s, str))


def _poetry_deps(data: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    poetry = table(data, "tool", "poetry")
    sections = [table(poetry, "dependencies"), table(poetry, "dev-dependencies")]
    sections += [table(g, "dependencies") for g in table(poetry, "group").values()]
    for section in sections:
        for name, constraint in section.items():
            if name.lower() != "python":
                yield name, constraint


def _poetry_constraint(constraint: Any) -> tuple[str | None, str, SkipReason]:
    """(exact version or None, why not, kind) for a Poetry dependency value."""
    if isinstance(constraint, dict):
        source = next((k for k in ("git", "path", "url") if k in constraint), None)
        if source:
            return None, f"{source} source {str(constraint[source])[:80]}", SkipReason.NOT_REGISTRY
        constraint = constraint.get("version", "*")
    if not isinstance(constraint, str):
        return None, "several constraints", SkipReason.UNPINNED
    exact = _POETRY_EXACT.match(constraint.strip())
    if exact:
        return exact.group(1), "", SkipReason.UNPINNED
    return None, constraint.strip() or "any version", SkipReason.UNPINNED

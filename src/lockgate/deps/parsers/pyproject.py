"""pyproject.toml without a lock file beside it: `==` pins are checked, ranges are skipped."""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from lockgate.deps.model import Dependency, Ecosystem, FileProblem, ParseResult, SkippedDependency
from lockgate.deps.parsers.common import line_of, load_toml, read_text
from lockgate.deps.parsers.requirements import pinned_version

LOCKS = ("poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock")


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    if any((path.parent / lock).exists() for lock in LOCKS):
        return ParseResult()  # the lock file beside it is parsed instead
    text = read_text(path)
    data = load_toml(text, "a TOML linter")
    section = data.get("project", {})
    specs = [str(s) for s in section.get("dependencies", [])]
    for extra in (section.get("optional-dependencies") or {}).values():
        specs += [str(s) for s in extra]
    deps, skipped, problems = [], [], []
    for spec in specs:
        line = line_of(text, f'"{spec}"') or line_of(text, spec)
        try:
            req = Requirement(spec)
        except InvalidRequirement as exc:
            problems.append(
                FileProblem(rel, line, f"not a requirement: {exc}", "fix the PEP 508 string")
            )
            continue
        version = pinned_version(req)
        if version:
            deps.append(Dependency(Ecosystem.PYPI, req.name, version, rel, line, True))
        else:
            skipped.append(
                SkippedDependency(
                    Ecosystem.PYPI,
                    req.name,
                    rel,
                    line,
                    f"not pinned ({req.specifier or 'any version'}) and no "
                    "lock file beside pyproject.toml; add uv.lock or poetry.lock",
                )
            )
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
    for name in set(poetry) - {"python"}:
        skipped.append(
            SkippedDependency(
                Ecosystem.PYPI,
                name,
                rel,
                line_of(text, name),
                "Poetry dependency without poetry.lock; run `poetry lock`",
            )
        )
    return ParseResult(tuple(deps), tuple(skipped), tuple(problems))

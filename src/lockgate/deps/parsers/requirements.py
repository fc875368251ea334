"""requirements*.txt: `name==version` pins are checked; anything looser is a SkippedDependency."""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from lockgate.deps.model import Dependency, Ecosystem, FileProblem, ParseResult, SkippedDependency
from lockgate.deps.parsers.common import read_text


def pinned_version(req: Requirement) -> str | None:
    specs = list(req.specifier)
    if len(specs) == 1 and specs[0].operator in {"==", "==="} and "*" not in specs[0].version:
        return specs[0].version
    return None


def parse(project: Path, rel: str) -> ParseResult:
    text = read_text(project / rel)
    deps, skipped, problems = [], [], []
    for lineno, line in _logical_lines(text):
        if not line or line.startswith(("-r", "-c", "--requirement", "--constraint", "--")):
            continue
        if line.startswith(("-e", "--editable")) or "://" in line.split(";")[0]:
            skipped.append(
                SkippedDependency(
                    Ecosystem.PYPI,
                    line.split()[-1],
                    rel,
                    lineno,
                    "installed from a URL or path, not a released version",
                )
            )
            continue
        try:
            req = Requirement(line.split(" --")[0].strip())
        except InvalidRequirement as exc:
            problems.append(
                FileProblem(
                    rel, lineno, f"not a requirement: {exc}", "write it as `name==1.2.3` (PEP 508)"
                )
            )
            continue
        version = pinned_version(req)
        if version is None:
            skipped.append(
                SkippedDependency(
                    Ecosystem.PYPI,
                    req.name,
                    rel,
                    lineno,
                    f"not pinned ({req.specifier or 'any version'}); "
                    "pin it with == or use a lock file",
                )
            )
        else:
            deps.append(Dependency(Ecosystem.PYPI, req.name, version, rel, lineno, True))
    return ParseResult(tuple(deps), tuple(skipped), tuple(problems))


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first physical line number, joined line without comments), following `\\` continuations."""
    out: list[tuple[int, str]] = []
    buffer, start = "", 0
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #")[0].strip() if not raw.lstrip().startswith("#") else ""
        if not buffer:
            start = no
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        out.append((start, (buffer + line).strip()))
        buffer = ""
    if buffer:
        out.append((start, buffer.strip()))
    return out

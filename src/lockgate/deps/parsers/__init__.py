"""Lock-file and manifest parsers, one module per format, and the table that picks one per file."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from pathlib import Path

from lockgate.deps.model import ParseResult
from lockgate.deps.parsers import (
    csproj,
    gemfile_lock,
    nuget_lock,
    package_lock,
    pipfile_lock,
    poetry_lock,
    pyproject,
    requirements,
    yarn_lock,
)
from lockgate.deps.parsers.common import Unparsable, problem

Parser = Callable[[Path, str], ParseResult]

# basename glob -> parser; the first match wins.
PARSERS: tuple[tuple[str, Parser], ...] = (
    ("requirements*.txt", requirements.parse),
    ("requirements/*.txt", requirements.parse),
    ("pyproject.toml", pyproject.parse),
    ("poetry.lock", poetry_lock.parse),
    ("uv.lock", poetry_lock.parse),
    ("Pipfile.lock", pipfile_lock.parse),
    ("package-lock.json", package_lock.parse),
    ("npm-shrinkwrap.json", package_lock.parse),
    ("yarn.lock", yarn_lock.parse),
    ("packages.lock.json", nuget_lock.parse),
    ("*.csproj", csproj.parse),
    ("Gemfile.lock", gemfile_lock.parse),
)


def parser_for(rel: str) -> Parser | None:
    name = rel.rsplit("/", 1)[-1]
    parent = rel.rsplit("/", 2)[-2] if rel.count("/") else ""
    for pattern, parser in PARSERS:
        target = f"{parent}/{name}" if "/" in pattern else name
        if fnmatch.fnmatchcase(target, pattern):
            return parser
    return None


def parse_file(project: Path, rel: str) -> ParseResult:
    """Parse one dependency file; a file that cannot be parsed becomes a FileProblem, never an error."""
    parser = parser_for(rel)
    if parser is None:
        return ParseResult()
    try:
        return parser(project, rel)
    except Unparsable as exc:
        return ParseResult(problems=(problem(rel, exc),))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        return ParseResult(
            problems=(
                problem(
                    rel,
                    Unparsable(
                        f"unexpected structure ({type(exc).__name__}: {exc})",
                        "regenerate the file with its package manager",
                    ),
                ),
            )
        )

"""Lock-file and manifest parsers, one module per format, and the table that picks one per file.

`parse_file` never raises: a file it cannot read is a FileProblem, a package of the wrong shape
or with a version its ecosystem does not accept is a SkippedDependency, never a checked package.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from pathlib import Path

from lockgate.deps import versions
from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers import (
    csproj,
    gemfile,
    gemfile_lock,
    nuget_lock,
    nuget_props,
    package_json,
    package_lock,
    packages_config,
    pdm_lock,
    pipfile,
    pipfile_lock,
    pnpm_lock,
    poetry_lock,
    pyproject,
    requirements,
    setuptools_files,
    yarn_lock,
)
from lockgate.deps.parsers.common import Unparsable, problem

Parser = Callable[[Path, str], ParseResult]

# file-name glob (or "folder/glob" for the parent folder's name) -> parser; the first match wins.
PARSERS: tuple[tuple[str, Parser], ...] = (
    ("*requirements*.txt", requirements.parse),
    ("requirements/*.txt", requirements.parse),
    ("pyproject.toml", pyproject.parse),
    ("poetry.lock", poetry_lock.parse),
    ("uv.lock", poetry_lock.parse),
    ("pdm.lock", pdm_lock.parse),
    ("Pipfile", pipfile.parse),
    ("Pipfile.lock", pipfile_lock.parse),
    ("package.json", package_json.parse),
    ("package-lock.json", package_lock.parse),
    ("npm-shrinkwrap.json", package_lock.parse),
    ("yarn.lock", yarn_lock.parse),
    ("pnpm-lock.yaml", pnpm_lock.parse),
    ("packages.lock.json", nuget_lock.parse),
    ("packages.config", packages_config.parse),
    ("Directory.Packages.props", nuget_props.parse),
    ("*.csproj", csproj.parse),
    ("*.fsproj", csproj.parse),
    ("*.vbproj", csproj.parse),
    ("Gemfile", gemfile.parse),
    ("gems.rb", gemfile.parse),
    ("Gemfile.lock", gemfile_lock.parse),
    ("gems.locked", gemfile_lock.parse),
    ("setup.py", setuptools_files.parse),
    ("setup.cfg", setuptools_files.parse),
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
        return _checked(parser(project, rel))
    except Unparsable as exc:
        return ParseResult(problems=(problem(rel, exc),))
    except OSError as exc:  # a path the system refuses (too long, a loop) while looking beside it
        reason = f"cannot be read ({exc.strerror or type(exc).__name__})"
        return ParseResult(
            problems=(problem(rel, Unparsable(reason, "check the file and its folder")),)
        )
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        return ParseResult(
            problems=(
                problem(
                    rel,
                    Unparsable(
                        f"unexpected structure ({type(exc).__name__}: {str(exc)[:120]})",
                        "regenerate the file with its package manager",
                    ),
                ),
            )
        )


def _checked(result: ParseResult) -> ParseResult:
    """Packages without a name, or whose version the ecosystem's grammar rejects, move to the
    skipped ones: they are never matched (a namesake's advisories, a guessed order)."""
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = list(result.skipped)
    for dep in result.dependencies:
        kind, why = SkipReason.MALFORMED, "no package name"
        if dep.name.strip():
            kind, why = SkipReason.BAD_VERSION, versions.problem(dep.ecosystem, dep.version) or ""
        if not why:
            deps.append(dep)
            continue
        shown = dep.name.strip() or "(unnamed)"
        skipped.append(
            SkippedDependency(dep.ecosystem, shown, dep.source_file, dep.line, why, kind)
        )
    return ParseResult(tuple(deps), tuple(skipped), result.problems, result.empty_ok)


__all__ = ["PARSERS", "Ecosystem", "Parser", "parse_file", "parser_for"]

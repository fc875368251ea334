"""Frozen values of the deps scanner: ecosystems, dependencies, skipped ones, advisories, matches."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any, assert_never

from lockgate.model import Severity


class Ecosystem(enum.StrEnum):
    """OSV ecosystem names."""

    PYPI = "PyPI"
    NPM = "npm"
    NUGET = "NuGet"
    RUBYGEMS = "RubyGems"


def normalise_name(ecosystem: Ecosystem, name: str) -> str:
    """The key a package is looked up by (PEP 503 for PyPI, case-folded for NuGet)."""
    match ecosystem:
        case Ecosystem.PYPI:
            return re.sub(r"[-_.]+", "-", name).lower()
        case Ecosystem.NUGET:
            return name.lower()
        case Ecosystem.NPM | Ecosystem.RUBYGEMS:
            return name
        case _:
            assert_never(ecosystem)


@dataclass(frozen=True)
class Dependency:
    ecosystem: Ecosystem
    name: str
    version: str
    source_file: str  # project-relative path of the lock file or manifest
    line: int | None
    direct: bool

    @property
    def key(self) -> tuple[Ecosystem, str]:
        return self.ecosystem, normalise_name(self.ecosystem, self.name)


@dataclass(frozen=True)
class SkippedDependency:
    """A dependency that cannot be checked (no exact version): a value, not an exception."""

    ecosystem: Ecosystem
    name: str
    source_file: str
    line: int | None
    reason: str


@dataclass(frozen=True)
class FileProblem:
    """A dependency file that could not be read or parsed: where, why and how to fix it."""

    path: str
    line: int | None
    reason: str
    fix: str


@dataclass(frozen=True)
class ParseResult:
    dependencies: tuple[Dependency, ...] = ()
    skipped: tuple[SkippedDependency, ...] = ()
    problems: tuple[FileProblem, ...] = ()


@dataclass(frozen=True)
class AffectedPackage:
    ecosystem: str
    name: str
    ranges: tuple[dict[str, Any], ...] = ()  # OSV `ranges` entries, as in the record
    versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    summary: str
    severity: Severity
    severity_source: str  # "database_specific", "CVSS_V3 7.5", "unknown (treated as medium)"
    modified: str
    affected: tuple[AffectedPackage, ...]
    url: str | None = None
    cwes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    dependency: Dependency
    advisory: Advisory
    fixed: str | None  # first fixed version above the installed one, if any


@dataclass(frozen=True)
class SourceAnswer:
    """What one advisory source said: advisories per dependency, and what it could not check."""

    source: str
    advisories: dict[tuple[str, str], tuple[Advisory, ...]] = field(default_factory=dict)
    unchecked: tuple[Dependency, ...] = ()
    error: str | None = None  # the source did not answer: why
    newest_data: str | None = None  # ISO time of the newest record or sync (None: live service)

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


class SkipReason(enum.StrEnum):
    """Why a declared dependency cannot be checked against advisories (a closed set)."""

    UNPINNED = "unpinned"  # a range or no version: which release gets installed is unknown
    NOT_REGISTRY = "not-registry"  # git, URL, path or file: not a release from the registry
    BAD_VERSION = "bad-version"  # not a version in the ecosystem's grammar
    NO_LOCK = "no-lock"  # a manifest without a lock file: what it pulls in is unknown
    MALFORMED = "malformed"  # a lock-file entry of an unexpected shape
    UNSUPPORTED = "unsupported"  # a construct lockgate does not read (a gemspec, eval_gemfile)


@dataclass(frozen=True)
class SkippedDependency:
    """A dependency that cannot be checked: a value, not an exception.

    `reason` is the short detail for this one item (">=2", "git source"); `kind` says which
    kind of gap it is, and with it the sentence and the fix the report shows.
    """

    ecosystem: Ecosystem
    name: str
    source_file: str
    line: int | None
    reason: str
    kind: SkipReason


@dataclass(frozen=True)
class FileProblem:
    """A dependency file that could not be read or parsed: where, why and how to fix it."""

    path: str
    line: int | None
    reason: str
    fix: str


@dataclass(frozen=True)
class ParseResult:
    """What one dependency file yielded.

    `empty_ok` is True when the parser read the file and it legitimately names no package (a
    manifest that defers to the lock file beside it, a lock of a project without dependencies);
    a file that yields nothing without it is reported as unchecked, never passed silently.
    """

    dependencies: tuple[Dependency, ...] = ()
    skipped: tuple[SkippedDependency, ...] = ()
    problems: tuple[FileProblem, ...] = ()
    empty_ok: bool = False


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
    """What one advisory source said: advisories per dependency key, and which ecosystems it covers.

    A dependency is checked by this source only if its ecosystem is in `covered` and `error` is
    None. `data_times` dates the data per ecosystem (ISO time of the sync, else of the newest
    record; empty for a live service); `bad_records` names records that could not be read.
    """

    source: str
    advisories: dict[tuple[str, str], tuple[Advisory, ...]] = field(default_factory=dict)
    covered: frozenset[str] = frozenset()
    error: str | None = None  # the source did not answer: why
    data_times: dict[str, str] = field(default_factory=dict)
    bad_records: tuple[str, ...] = ()

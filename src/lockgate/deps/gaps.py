"""What the deps stage could not check, as `Unchecked` entries: per file and kind, counted, with a fix.

Skipped packages (grouped by file and kind), unreadable files, files that yielded no package,
packages no advisory source covers, advisory data too old for an ecosystem, and advisory
records that could not be read.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from typing import assert_never

from lockgate.deps.check import CheckResult
from lockgate.deps.model import (
    Dependency,
    FileProblem,
    SkippedDependency,
    SkipReason,
    SourceAnswer,
)
from lockgate.model import Unchecked

SYNC_FIX = (
    "run `lockgate advisories sync --dest DIR` where the network allows it and point "
    "advisory_db (or $LOCKGATE_ADVISORY_DB) at DIR"
)


def describe(kind: SkipReason) -> tuple[str, str]:
    """(what the skipped items are, how to make them checkable) for one kind of gap."""
    match kind:
        case SkipReason.UNPINNED:
            return (
                "not pinned to one version",
                "pin exact versions: commit the lock file your package manager writes, "
                "or use == pins (or -c constraints)",
            )
        case SkipReason.NOT_REGISTRY:
            return (
                "not registry releases (git, URL, path or file sources; advisories name "
                "registry releases only)",
                "review these sources yourself, or depend on released versions",
            )
        case SkipReason.BAD_VERSION:
            return (
                "with a version the ecosystem does not accept",
                "use released version numbers (PEP 440, SemVer, NuGet, RubyGems)",
            )
        case SkipReason.NO_LOCK:
            return (
                "unknown: no lock file, so what the declared packages pull in is not known",
                "commit the lock file (uv lock, poetry lock, pdm lock, pipenv lock, npm install, "
                "bundle lock, dotnet restore --use-lock-file)",
            )
        case SkipReason.MALFORMED:
            return (
                "entries of an unexpected shape",
                "regenerate the file with its package manager",
            )
        case SkipReason.UNSUPPORTED:
            return (
                "declared in a way lockgate does not read",
                "declare the dependencies in a lock file lockgate reads",
            )
        case _:
            assert_never(kind)


def collect(
    skipped: Sequence[SkippedDependency],
    problems: Sequence[FileProblem],
    empty: Sequence[str],
    deps: Sequence[Dependency],
    result: CheckResult,
    answers: Sequence[SourceAnswer],
    max_age_days: int,
) -> list[Unchecked]:
    out = _skipped(covered_elsewhere(skipped, deps))
    out += [_problem(p) for p in problems]
    out += [
        Unchecked(
            path,
            "no packages found in it: lockgate read it but cannot tell what it installs",
            1,
            "check that it is a dependency file of this project; if not, add it to "
            "[stages.deps] exclude",
        )
        for path in empty
    ]
    out += _uncovered(result.unchecked)
    out += [
        Unchecked(
            f"{s.ecosystem} advisory data",
            f"{s.age_days} days old (newest {s.newest}), over max_advisory_age_days = "
            f"{max_age_days}: {packages(s.packages)} checked against outdated data",
            s.packages,
            SYNC_FIX,
        )
        for s in result.stale
    ]
    out += [_bad_records(a) for a in answers if a.bad_records]
    return out


def packages(n: int, kind: str = "") -> str:
    """'1 package', '3 PyPI packages'."""
    return f"{n} {kind + ' ' if kind else ''}package{'' if n == 1 else 's'}"


def covered_elsewhere(
    skipped: Sequence[SkippedDependency], deps: Sequence[Dependency]
) -> list[SkippedDependency]:
    """Drop unpinned declarations pinned by another file in the same folder (requirements.txt
    beside pyproject.toml): the pin is what gets checked."""
    pinned = {(posixpath.dirname(d.source_file), d.key) for d in deps}
    return [
        s
        for s in skipped
        if s.kind is not SkipReason.UNPINNED
        or (posixpath.dirname(s.source_file), _key(s)) not in pinned
    ]


def _key(skip: SkippedDependency) -> object:
    return Dependency(skip.ecosystem, skip.name, "", "", None, False).key


def _skipped(skipped: Sequence[SkippedDependency]) -> list[Unchecked]:
    groups: dict[tuple[str, SkipReason], list[SkippedDependency]] = {}
    for item in skipped:
        groups.setdefault((item.source_file, item.kind), []).append(item)
    out = []
    for (path, kind), items in sorted(groups.items()):
        text, fix = describe(kind)
        if kind is SkipReason.NO_LOCK:
            out.append(
                Unchecked(path, f"dependencies of dependencies {text} ({items[0].reason})", 1, fix)
            )
            continue
        names = [f"{s.name} ({s.reason})" if s.reason else s.name for s in items[:5]]
        more = f" and {len(items) - 5} more" if len(items) > 5 else ""
        out.append(
            Unchecked(
                path, f"{packages(len(items))} {text}: {', '.join(names)}{more}", len(items), fix
            )
        )
    return out


def _problem(problem: FileProblem) -> Unchecked:
    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    return Unchecked(where, f"not read: {problem.reason}", 1, problem.fix)


def _uncovered(unchecked: Sequence[tuple[Dependency, str]]) -> list[Unchecked]:
    groups: dict[tuple[str, str], list[Dependency]] = {}
    for dep, why in unchecked:
        groups.setdefault((dep.ecosystem.value, why), []).append(dep)
    out = []
    for (eco, why), deps in sorted(groups.items()):
        names = ", ".join(f"{d.name} {d.version}" for d in deps[:5])
        more = f" and {len(deps) - 5} more" if len(deps) > 5 else ""
        fix = (
            f"add advisory data for {eco}: {SYNC_FIX}"
            if why.startswith("no advisory data")
            else "make the advisory source reachable (advisory_db or the OSV service)"
        )
        out.append(Unchecked(packages(len(deps), eco), f"{why}: {names}{more}", len(deps), fix))
    return out


def _bad_records(answer: SourceAnswer) -> Unchecked:
    bad = answer.bad_records
    named = "; ".join(bad[:5]) + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
    return Unchecked(
        f"advisory records of {answer.source}",
        f"{len(bad)} records could not be read, so their advisories were not applied: {named}",
        len(bad),
        "re-run `lockgate advisories sync`, or fix or remove those files",
    )

"""The `deps` stage: known-vulnerable dependencies from lock files, an SBOM, and honest gaps.

Everything it could not check (skipped packages, unreadable files, uncovered ecosystems, old
advisory data, unreadable advisory records) is returned as `Unchecked` entries and the stage is
WARNED; the gate decides whether that fails it (`fail_on_unchecked`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from lockgate import __version__, fsutil
from lockgate.config.options import Option, positive
from lockgate.deps.sources import DEFAULT_URL
from lockgate.model import Metric, StageResult, Status, Unchecked
from lockgate.stages.interface import Input, StageContext, StageKind

if TYPE_CHECKING:  # the engine is imported when the stage runs, so loading stages stays cheap
    from lockgate.deps.check import CheckResult
    from lockgate.deps.model import Dependency, FileProblem, SkippedDependency, SourceAnswer
    from lockgate.deps.sources.interface import AdvisorySource

SBOM_FILE = "sbom.cdx.json"
# files other parsers read beside a dependency file (they decide direct/deferred): in the cache key
_SIBLINGS = (
    "package.json",
    "Pipfile",
    "pyproject.toml",
    "Directory.Packages.props",
    "pnpm-workspace.yaml",
)
_INCLUDED = (".txt", ".in")  # requirement files reached only through -r / -c


class DepsStage:
    name: ClassVar[str] = "deps"
    kind: ClassVar[StageKind] = StageKind.SECURITY
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = (
        "Known vulnerabilities in Python, Node, .NET and Ruby dependencies (OSV data), plus a "
        "CycloneDX SBOM"
    )
    options: ClassVar[tuple[Option, ...]] = (
        Option(
            "source",
            "str",
            "auto",
            "Advisory source: local OSV directory, the OSV service, or "
            "auto (local when advisory_db or $LOCKGATE_ADVISORY_DB is set, else the service)",
            choices=("auto", "local", "osv"),
        ),
        Option(
            "advisory_db",
            "list[str]",
            [],
            "Local OSV record directories (default: "
            "$LOCKGATE_ADVISORY_DB, several joined with the path separator)",
        ),
        Option("osv_url", "str", DEFAULT_URL, "Base URL of the OSV service (/v1/querybatch)"),
        Option("osv_timeout", "float", 5.0, "Seconds to wait for the OSV service", check=positive),
        Option(
            "max_advisory_age_days",
            "int",
            30,
            "Local advisory data older than this is stale "
            "(warned, or failing with fail_on_unchecked)",
            check=positive,
        ),
        # fail_on_unchecked is a gate key of every stage now (config/schema.py COMMON): the gate
        # fails a stage with anything unchecked, so existing [stages.deps] settings keep working.
        Option("exclude", "list[str]", ["tests/fixtures/*"], "Glob patterns of files not to read"),
        Option(
            "max_file_kb",
            "int",
            51200,
            "Dependency files larger than this are skipped",
            check=positive,
        ),
    )

    def available(self, ctx: StageContext) -> str | None:
        return None  # pure Python; an unreachable source is reported by run(), not hidden here

    def cache_key(self, ctx: StageContext) -> str | None:
        from lockgate.deps.sources.osv_api import OsvApiSource

        sources = _sources(ctx)
        if any(isinstance(s, OsvApiSource) for s in sources):
            return None  # a live service's answer changes without any local change
        every = fsutil.project_files(ctx.project)
        files = _dependency_files(ctx, every)
        # what parsers read besides the dependency files: siblings that decide direct or deferred,
        # and any file an -r/-c include may name (excluded dependency files included)
        read_too = {f for f in every if f.rsplit("/", 1)[-1] in _SIBLINGS or f.endswith(_INCLUDED)}
        present = sorted(read_too | set(files))
        today = datetime.now(UTC).date().isoformat()  # staleness moves with the calendar
        states = [s.state() for s in sources]
        return fsutil.digest_text(
            fsutil.digest_files(ctx.project, present), *states, today, __version__
        )

    def run(self, ctx: StageContext) -> StageResult:
        from lockgate.deps import findings, gaps, sbom
        from lockgate.deps.check import check

        started = time.monotonic()
        files = _dependency_files(ctx)
        ctx.artifacts.mkdir(parents=True, exist_ok=True)
        if not files:
            (ctx.artifacts / SBOM_FILE).write_text(sbom.dumps(sbom.build(ctx.service, [])))
            return StageResult(
                self.name,
                Status.SKIPPED,
                artifacts=(SBOM_FILE,),
                duration=time.monotonic() - started,
                summary="no dependency files (requirements*.txt, pyproject.toml, *.lock, "
                "package.json, package-lock.json, yarn.lock, pnpm-lock.yaml, packages.lock.json, "
                "*.csproj, Gemfile, ...)",
            )
        parsed = _parse_all(ctx, files)
        (ctx.artifacts / SBOM_FILE).write_text(sbom.dumps(sbom.build(ctx.service, parsed.deps)))
        sources = _sources(ctx)
        answers = [s.query(_unique(parsed.deps)) for s in sources] if parsed.deps else []
        max_age = int(ctx.options["max_advisory_age_days"])
        result = check(parsed.deps, answers, datetime.now(UTC), max_age)
        unchecked = gaps.collect(
            parsed.skipped, parsed.problems, parsed.empty, parsed.deps, result, answers, max_age
        )
        unchecked += [
            Unchecked(f"advisory source {a.source}", a.error, 1, gaps.SYNC_FIX)
            for a in answers
            if a.error
        ]
        found = findings.build(result.matches)
        vulnerable = len({(m.dependency.key, m.dependency.version) for m in result.matches})
        return StageResult(
            stage=self.name,
            status=Status.WARNED if unchecked else Status.PASSED,
            findings=tuple(found),
            metrics=(
                Metric("dependencies", len(parsed.deps), "packages"),
                Metric("vulnerable", vulnerable, "packages"),
                Metric("unchecked", sum(u.count for u in unchecked), "items"),
                *(
                    (Metric("advisory_age_days", max(s.age_days for s in result.stale), "days"),)
                    if result.stale
                    else ()
                ),
            ),
            artifacts=(SBOM_FILE,),
            duration=time.monotonic() - started,
            tool_versions=(
                ("lockgate-deps", __version__),
                *((s.name, s.state()[:12]) for s in sources),
            ),
            summary=_summary(parsed, result, len(found), vulnerable, answers),
            unchecked=tuple(unchecked),
        )


# --- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parsed:
    deps: list[Dependency]
    skipped: list[SkippedDependency]
    problems: list[FileProblem]
    empty: list[str]  # files that yielded nothing and did not say why


def _dependency_files(ctx: StageContext, every: list[str] | None = None) -> list[str]:
    from lockgate.deps.parsers import parser_for

    every = fsutil.project_files(ctx.project) if every is None else every
    excluded = set(fsutil.matching(every, ctx.options["exclude"]))
    return [f for f in every if f not in excluded and parser_for(f) is not None]


def _parse_all(ctx: StageContext, files: Sequence[str]) -> _Parsed:
    """Every file parsed once; a file read twice (an -r include that is also a requirements
    file) gives its packages once."""
    from lockgate.deps.model import FileProblem
    from lockgate.deps.parsers import parse_file

    deps: dict[Dependency, None] = {}
    skipped: dict[SkippedDependency, None] = {}
    problems: dict[FileProblem, None] = {}
    empty: list[str] = []
    limit = int(ctx.options["max_file_kb"]) * 1024
    for rel in files:
        size = (ctx.project / rel).stat().st_size if (ctx.project / rel).exists() else 0
        if size > limit:
            why = f"{size // 1024} KiB is over max_file_kb"
            problems[
                FileProblem(rel, None, why, "raise [deps] max_file_kb or exclude the file")
            ] = None
            continue
        result = parse_file(ctx.project, rel)
        deps.update(dict.fromkeys(result.dependencies))
        skipped.update(dict.fromkeys(result.skipped))
        problems.update(dict.fromkeys(result.problems))
        if not (result.dependencies or result.skipped or result.problems or result.empty_ok):
            empty.append(rel)
    return _Parsed(list(deps), list(skipped), list(problems), empty)


def _sources(ctx: StageContext) -> list[AdvisorySource]:
    from lockgate.deps.sources.local_dir import LocalDirSource
    from lockgate.deps.sources.osv_api import OsvApiSource

    dirs = [str(d) for d in ctx.options["advisory_db"]]
    if not dirs and os.environ.get("LOCKGATE_ADVISORY_DB"):
        dirs = [d for d in os.environ["LOCKGATE_ADVISORY_DB"].split(os.pathsep) if d]
    choice = ctx.options["source"]
    if choice == "osv" or (choice == "auto" and not dirs):
        return [OsvApiSource(str(ctx.options["osv_url"]), float(ctx.options["osv_timeout"]))]
    if not dirs:
        dirs = [""]  # source = "local" without a directory: reported as missing, never as clean
    return [
        LocalDirSource((ctx.project / d).resolve() if d else Path("<unset advisory_db>"))
        for d in dirs
    ]


def _unique(deps: Sequence[Dependency]) -> list[Dependency]:
    seen: dict[tuple[object, str], Dependency] = {}
    for dep in deps:
        seen.setdefault((dep.key, dep.version), dep)
    return list(seen.values())


def _summary(
    parsed: _Parsed,
    result: CheckResult,
    advisories: int,
    vulnerable: int,
    answers: Sequence[SourceAnswer],
) -> str:
    from lockgate.deps.model import SkipReason

    not_checked = len(parsed.deps) - result.checked
    skipped = [s for s in parsed.skipped if s.kind is not SkipReason.NO_LOCK]
    total = len(parsed.deps) + len(skipped)
    parts = [
        f"{result.checked} of {total} packages checked, {advisories} vulnerabilities "
        f"in {vulnerable} packages"
    ]
    if not_checked or skipped:
        parts.append(
            f"{not_checked + len(skipped)} packages NOT checked ({len(skipped)} skipped in "
            f"the files, {not_checked} without advisory data)"
        )
    no_lock = sum(1 for s in parsed.skipped if s.kind is SkipReason.NO_LOCK)
    if no_lock:
        parts.append(f"{no_lock} manifests without a lock file")
    parts += [f"source {a.source} failed: {a.error}" for a in answers if a.error]
    if parsed.problems:
        parts.append(f"{len(parsed.problems)} dependency file problems")
    if parsed.empty:
        parts.append(f"{len(parsed.empty)} dependency files with no packages")
    parts += [
        f"{s.ecosystem} advisory data is {s.age_days} days old (newest {s.newest})"
        for s in result.stale
    ]
    for answer in answers:
        if answer.bad_records:
            names = ", ".join(r.split(":", 1)[0] for r in answer.bad_records[:3])
            more = " ..." if len(answer.bad_records) > 3 else ""
            parts.append(f"{len(answer.bad_records)} advisory records unreadable ({names}{more})")
    return "; ".join(parts)

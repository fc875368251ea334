"""The `deps` stage: known-vulnerable dependencies from lock files, an SBOM, and honest gaps."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from lockgate import __version__, fsutil
from lockgate.config.options import Option, positive
from lockgate.deps import osv, sbom
from lockgate.deps.model import Dependency, FileProblem, Match, SkippedDependency, SourceAnswer
from lockgate.deps.parsers import parse_file, parser_for
from lockgate.deps.sources.interface import AdvisorySource
from lockgate.deps.sources.local_dir import LocalDirSource
from lockgate.deps.sources.osv_api import DEFAULT_URL, OsvApiSource
from lockgate.model import Finding, Location, Metric, Severity, StageResult, Status, fingerprint
from lockgate.stages.interface import Input, StageContext, StageKind

SBOM_FILE = "sbom.cdx.json"
UNPARSABLE_RULE = "deps-file-unparsable"
UNCHECKED_RULE = "deps-unchecked"
STALE_RULE = "deps-advisory-data-stale"
_SIBLINGS = ("package.json", "Pipfile", "pyproject.toml")


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
        Option(
            "fail_on_unchecked",
            "bool",
            False,
            "Report unchecked packages, unparsable files and "
            "stale data as high-severity findings instead of a warning",
        ),
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
        sources = _sources(ctx)
        if any(isinstance(s, OsvApiSource) for s in sources):
            return None  # a live service's answer changes without any local change
        files = _dependency_files(ctx)
        siblings = [
            f"{f.rsplit('/', 1)[0]}/{s}" if "/" in f else s for f in files for s in _SIBLINGS
        ]
        present = sorted({p for p in siblings if (ctx.project / p).is_file()} | set(files))
        today = datetime.now(UTC).date().isoformat()  # staleness moves with the calendar
        states = [s.state() for s in sources]
        return fsutil.digest_text(
            fsutil.digest_files(ctx.project, present), *states, today, __version__
        )

    def run(self, ctx: StageContext) -> StageResult:
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
                summary="no dependency files (requirements*.txt, pyproject.toml, "
                "*.lock, package-lock.json, yarn.lock, packages.lock.json, *.csproj)",
            )
        deps, skipped, problems = _parse_all(ctx, files)
        (ctx.artifacts / SBOM_FILE).write_text(sbom.dumps(sbom.build(ctx.service, deps)))
        sources = _sources(ctx)
        answers = [s.query(_unique(deps)) for s in sources] if deps else []
        check = _Check.of(deps, answers)
        stale = _stale(answers, int(ctx.options["max_advisory_age_days"]))
        strict = bool(ctx.options["fail_on_unchecked"])
        findings = [_vuln_finding(m) for m in check.matches]
        findings += [_problem_finding(p, strict) for p in problems]
        if strict:
            findings += _unchecked_findings(check.unchecked, skipped)
            findings += [_stale_finding(stale)] if stale else []
        source_failed = any(a.error for a in answers)
        gaps = bool(check.unchecked or skipped or problems or stale or source_failed)
        return StageResult(
            stage=self.name,
            status=Status.WARNED if gaps else Status.PASSED,
            findings=tuple(findings),
            metrics=(
                Metric("dependencies", len(deps), "packages"),
                Metric(
                    "vulnerable",
                    len({(m.dependency.key, m.dependency.version) for m in check.matches}),
                    "packages",
                ),
                Metric("unchecked", len(check.unchecked) + len(skipped), "packages"),
                *((Metric("advisory_age_days", stale[1], "days"),) if stale else ()),
            ),
            artifacts=(SBOM_FILE,),
            duration=time.monotonic() - started,
            tool_versions=(
                ("lockgate-deps", __version__),
                *((s.name, s.state()[:12]) for s in sources),
            ),
            summary=_summary(deps, check, skipped, problems, answers, stale),
        )


# --- inputs ---------------------------------------------------------------------------------


def _dependency_files(ctx: StageContext) -> list[str]:
    every = fsutil.project_files(ctx.project)
    excluded = set(fsutil.matching(every, ctx.options["exclude"]))
    return [f for f in every if f not in excluded and parser_for(f) is not None]


def _parse_all(
    ctx: StageContext, files: Sequence[str]
) -> tuple[list[Dependency], list[SkippedDependency], list[FileProblem]]:
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []
    problems: list[FileProblem] = []
    limit = int(ctx.options["max_file_kb"]) * 1024
    for rel in files:
        size = (ctx.project / rel).stat().st_size if (ctx.project / rel).exists() else 0
        if size > limit:
            problems.append(
                FileProblem(
                    rel,
                    None,
                    f"{size // 1024} KiB is over max_file_kb",
                    "raise [deps] max_file_kb or exclude the file",
                )
            )
            continue
        result = parse_file(ctx.project, rel)
        deps += result.dependencies
        skipped += result.skipped
        problems += result.problems
    return deps, skipped, problems


def _sources(ctx: StageContext) -> list[AdvisorySource]:
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


# --- matching -------------------------------------------------------------------------------


class _Check:
    """Which dependencies were checked, which matched advisories, which could not be checked (why)."""

    def __init__(self) -> None:
        self.matches: list[Match] = []
        self.unchecked: list[tuple[Dependency, str]] = []

    @classmethod
    def of(cls, deps: Sequence[Dependency], answers: Sequence[SourceAnswer]) -> _Check:
        check = cls()
        for dep in deps:
            key = (dep.key[0].value, dep.key[1])
            answered = [a for a in answers if key in a.advisories]
            if not answered:
                why = next((a.error for a in answers if a.error), None) or (
                    f"no advisory data for {dep.ecosystem.value} in the configured source"
                )
                check.unchecked.append((dep, why))
                continue
            candidates = {adv.id: adv for a in answered for adv in a.advisories[key]}
            matches, error = osv.match(dep, candidates.values())
            if error:
                check.unchecked.append((dep, f"version not comparable: {error}"))
            check.matches += matches
        return check


def _stale(answers: Sequence[SourceAnswer], max_days: int) -> tuple[str, int] | None:
    """(newest data time, age in days) when local advisory data is older than `max_days`."""
    dated = [a.newest_data for a in answers if a.newest_data and not a.error]
    if not dated:
        return None
    newest = max(_parse_time(d) for d in dated)
    age = (datetime.now(UTC) - newest).days
    return (newest.date().isoformat(), age) if age > max_days else None


def _parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.fromtimestamp(0, UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- findings -------------------------------------------------------------------------------


def _vuln_finding(m: Match) -> Finding:
    dep, adv = m.dependency, m.advisory
    aliases = f" ({', '.join(adv.aliases)})" if adv.aliases else ""
    fixed = f"fixed in {m.fixed}" if m.fixed else "no fixed version published"
    upgrade = (
        f"Upgrade {dep.name} to {m.fixed} or later"
        if m.fixed
        else f"No fix is published: replace {dep.name} or mitigate"
    )
    return Finding(
        stage="deps",
        tool="lockgate-deps",
        rule_id=adv.id,
        message=f"{dep.name} {dep.version} is affected by {adv.id}{aliases}: {adv.summary or 'see the advisory'} "
        f"[installed {dep.version}; {fixed}]",
        severity=adv.severity,
        fingerprint=fingerprint(adv.id, dep.source_file, f"{dep.ecosystem.value}:{dep.key[1]}"),
        location=Location(dep.source_file, dep.line),
        help_uri=adv.url or f"https://osv.dev/vulnerability/{adv.id}",
        help_text=f"{upgrade} and regenerate {dep.source_file}. Severity from {adv.severity_source}."
        f"{'' if dep.direct else ' This is a transitive dependency: upgrade the package that pulls it in.'}",
        tags=(
            *adv.aliases,
            *adv.cwes,
            f"ecosystem:{dep.ecosystem.value}",
            "security",
            "direct" if dep.direct else "transitive",
        ),
    )


def _problem_finding(problem: FileProblem, strict: bool) -> Finding:
    return Finding(
        stage="deps",
        tool="lockgate-deps",
        rule_id=UNPARSABLE_RULE,
        message=f"dependency file not checked: {problem.reason}",
        severity=Severity.HIGH if strict else Severity.INFO,
        fingerprint=fingerprint(UNPARSABLE_RULE, problem.path, problem.reason),
        location=Location(problem.path, problem.line),
        help_text=f"Fix: {problem.fix}. Until then its packages are not checked for vulnerabilities.",
    )


def _unchecked_findings(
    unchecked: Sequence[tuple[Dependency, str]], skipped: Sequence[SkippedDependency]
) -> list[Finding]:
    by_file: dict[str, list[tuple[str, int | None, str]]] = {}
    for dep, why in unchecked:
        by_file.setdefault(dep.source_file, []).append((f"{dep.name} {dep.version}", dep.line, why))
    for skip in skipped:
        by_file.setdefault(skip.source_file, []).append((skip.name, skip.line, skip.reason))
    findings = []
    for path, items in sorted(by_file.items()):
        names = ", ".join(n for n, _, _ in items[:10]) + (" ..." if len(items) > 10 else "")
        findings.append(
            Finding(
                stage="deps",
                tool="lockgate-deps",
                rule_id=UNCHECKED_RULE,
                message=f"{len(items)} packages not checked for vulnerabilities: {names} ({items[0][2]})",
                severity=Severity.HIGH,
                fingerprint=fingerprint(UNCHECKED_RULE, path, str(len(items))),
                location=Location(path, items[0][1]),
                help_text="Pin exact versions (use a lock file) and make an advisory source reachable "
                "(advisory_db or the OSV service), or set fail_on_unchecked = false to only warn.",
            )
        )
    return findings


def _stale_finding(stale: tuple[str, int]) -> Finding:
    """One finding for the whole run, pointing at the config where the data and its age are set
    (no machine path in it, so baselines stay portable)."""
    return Finding(
        stage="deps",
        tool="lockgate-deps",
        rule_id=STALE_RULE,
        message=f"advisory data is {stale[1]} days old (newest record {stale[0]}): packages were "
        "checked against outdated data",
        severity=Severity.HIGH,
        fingerprint=fingerprint(STALE_RULE, "lockgate.toml", "advisory data age"),
        location=Location("lockgate.toml"),
        help_text="Run `lockgate advisories sync --dest DIR` where the network allows it, or raise "
        "max_advisory_age_days.",
    )


def _summary(
    deps: Sequence[Dependency],
    check: _Check,
    skipped: Sequence[SkippedDependency],
    problems: Sequence[FileProblem],
    answers: Sequence[SourceAnswer],
    stale: tuple[str, int] | None,
) -> str:
    checked = len(deps) - len(check.unchecked)
    vulnerable = len({(m.dependency.key, m.dependency.version) for m in check.matches})
    parts = [
        f"{checked} of {len(deps) + len(skipped)} packages checked, {len(check.matches)} advisories "
        f"on {vulnerable} packages"
    ]
    if check.unchecked or skipped:
        parts.append(
            f"{len(check.unchecked) + len(skipped)} packages NOT checked "
            f"({len(skipped)} without an exact version)"
        )
    parts += [f"source {a.source} failed: {a.error}" for a in answers if a.error]
    if problems:
        parts.append(f"{len(problems)} dependency files could not be read")
    if stale:
        parts.append(f"advisory data is {stale[1]} days old (newest {stale[0]})")
    return "; ".join(parts)

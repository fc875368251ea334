"""The `sast` stage: semgrep (lockgate's own rules), bandit and checkov over the project's files."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar, assert_never

from lockgate import fsutil
from lockgate.config.options import Option, positive
from lockgate.model import Finding, Location, Metric, Severity, StageResult, Status, fingerprint
from lockgate.sast import bandit, checkov, semgrep
from lockgate.sast.engine import EngineResult
from lockgate.stages.interface import Input, StageContext, StageKind
from lockgate.tools import proc


class Engine(enum.StrEnum):
    SEMGREP = "semgrep"
    BANDIT = "bandit"
    CHECKOV = "checkov"


_MODULES = {Engine.SEMGREP: semgrep, Engine.BANDIT: bandit, Engine.CHECKOV: checkov}
SKIPPED_RULE = "sast-file-skipped"


class SastStage:
    name: ClassVar[str] = "sast"
    kind: ClassVar[StageKind] = StageKind.SECURITY
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = (
        "Static security analysis: semgrep with lockgate's rules (Python, JS/TS, C#, Ruby, "
        "Terraform), bandit (Python), checkov (Terraform, Containerfiles)"
    )
    options: ClassVar[tuple[Option, ...]] = (
        Option(
            "engines",
            "list[str]",
            [e.value for e in Engine],
            "Engines to run",
            check=lambda v: (
                None
                if set(v) <= {e.value for e in Engine}
                else f"a subset of {[e.value for e in Engine]}"
            ),
        ),
        Option("exclude", "list[str]", ["tests/fixtures/*"], "Glob patterns of files not to scan"),
        Option("rules_dir", "str", "", "Extra local semgrep rules directory (project-relative)"),
        Option(
            "bandit_skips",
            "list[str]",
            ["B101"],
            "bandit test ids to skip (B101 assert_used is noise in test suites)",
        ),
        Option(
            "checkov_skip_checks", "list[str]", [], "checkov check ids to skip (e.g. CKV_DOCKER_2)"
        ),
        Option(
            "max_file_kb",
            "int",
            1024,
            "Files larger than this are skipped (and reported)",
            check=positive,
        ),
    )

    def available(self, ctx: StageContext) -> str | None:
        wanted = [Engine(e) for e in ctx.options["engines"]]
        if any(proc.which(e.value) for e in wanted):
            return None
        return (
            "none of "
            + ", ".join(e.value for e in wanted)
            + " is installed: "
            + ("run scripts/bootstrap (installs requirements/tool-<engine>.txt into .venv-tools/)")
        )

    def cache_key(self, ctx: StageContext) -> str | None:
        files, _ = _select(ctx)
        versions = [f"{e.value}={_MODULES[e].version()}" for e in _wanted(ctx)]
        rules = [semgrep.RULES_DIR, *_extra_rules(ctx)]
        rule_files = [p for r in rules if r.is_dir() for p in sorted(r.glob("*.y*ml"))]
        rule_digest = fsutil.digest_files(Path("/"), [str(p.resolve())[1:] for p in rule_files])
        return fsutil.digest_text(fsutil.digest_files(ctx.project, files), *versions, rule_digest)

    def run(self, ctx: StageContext) -> StageResult:
        started = time.monotonic()
        files, skipped = _select(ctx)
        jobs, missing = _plan(ctx, files)
        results = _run_engines(ctx, jobs)
        findings = [f for r in results for f in r.findings]
        problems = [*skipped, *_missing_rules(ctx), *(p for r in results for p in r.problems)]
        findings += [_skipped_finding(path, line, why) for path, line, why in problems]
        failed = [r.failed for r in results if r.failed]
        return StageResult(
            stage=self.name,
            status=_status(jobs, missing, problems, failed),
            findings=tuple(findings),
            metrics=(
                Metric("files_scanned", len(files), "files"),
                Metric("files_skipped", len(problems), "files"),
            ),
            artifacts=tuple(a for r in results for a in r.artifacts),
            duration=time.monotonic() - started,
            tool_versions=tuple((r.engine, r.version) for r in results),
            summary=_summary(files, results, missing, problems, failed),
        )


def _wanted(ctx: StageContext) -> list[Engine]:
    return [Engine(e) for e in ctx.options["engines"]]


def _extra_rules(ctx: StageContext) -> list[Path]:
    """The project's own extra rules directory, when configured and present."""
    raw = ctx.options.get("rules_dir") or ""
    path = (ctx.project / raw).resolve()
    return [path] if raw and path.is_dir() else []


def _missing_rules(ctx: StageContext) -> list[tuple[str, int | None, str]]:
    raw = ctx.options.get("rules_dir") or ""
    if not raw or _extra_rules(ctx):
        return []
    why = "extra semgrep rules directory not found, so its rules did not run; fix [sast] rules_dir"
    return [(raw, None, why)]


def _select(ctx: StageContext) -> tuple[list[str], list[tuple[str, int | None, str]]]:
    """Files to scan, and the ones left out because they are binary, huge or unreadable."""
    every = fsutil.project_files(ctx.project)
    excluded = set(fsutil.matching(every, ctx.options["exclude"]))
    candidates = [
        f for f in every if f not in excluded and any(_MODULES[e].applies(f) for e in Engine)
    ]
    limit = int(ctx.options["max_file_kb"]) * 1024
    keep: list[str] = []
    skipped: list[tuple[str, int | None, str]] = []
    for rel in candidates:
        why = _unscannable(ctx.project / rel, limit)
        if why:
            skipped.append((rel, None, why))
        else:
            keep.append(rel)
    return keep, skipped


def _unscannable(path: Path, limit: int) -> str | None:
    try:
        size = path.stat().st_size
        if size > limit:
            return (
                f"skipped: {size // 1024} KiB is over max_file_kb ({limit // 1024}); raise "
                "[sast] max_file_kb or exclude the file"
            )
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        return f"skipped: cannot be read ({exc.strerror}); fix its permissions or exclude it"
    if b"\0" in head:
        return "skipped: binary content in a source file; exclude it in [sast] exclude"
    return None


Job = tuple[Engine, Callable[[], EngineResult]]


def _plan(ctx: StageContext, files: Sequence[str]) -> tuple[list[Job], list[Engine]]:
    """The engine runs needed for these files, and the needed engines that are not installed."""
    jobs: list[Job] = []
    missing: list[Engine] = []
    timeout = float(ctx.gate.timeout)  # each engine gets the stage's own limit
    extra = next(iter(_extra_rules(ctx)), None)
    for engine in _wanted(ctx):
        mine = [f for f in files if _MODULES[engine].applies(f)]
        if not mine:
            continue
        if proc.which(engine.value) is None:
            missing.append(engine)
            continue
        jobs.append((engine, _job(ctx, engine, mine, timeout, extra)))
    return jobs, missing


def _job(
    ctx: StageContext, engine: Engine, files: list[str], timeout: float, extra: Path | None
) -> Callable[[], EngineResult]:
    project, out = ctx.project, ctx.artifacts
    match engine:
        case Engine.SEMGREP:
            return lambda: semgrep.run(project, files, out, timeout, extra)
        case Engine.BANDIT:
            skips = list(ctx.options["bandit_skips"])
            return lambda: bandit.run(project, files, out, timeout, skips)
        case Engine.CHECKOV:
            skip = list(ctx.options["checkov_skip_checks"])
            return lambda: checkov.run(project, files, out, timeout, skip)
        case _:
            assert_never(engine)


def _run_engines(ctx: StageContext, jobs: list[Job]) -> list[EngineResult]:
    ctx.artifacts.mkdir(parents=True, exist_ok=True)
    if not jobs:
        return []
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [(engine, pool.submit(job)) for engine, job in jobs]
    return [_collect(engine, fut.exception(), fut) for engine, fut in futures]


def _collect(engine: Engine, exc: BaseException | None, fut: object) -> EngineResult:
    if exc is None:
        return fut.result()  # type: ignore[attr-defined, no-any-return]
    if isinstance(exc, proc.Cancelled):
        raise exc
    reason = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    return EngineResult(engine.value, "unknown", failed=f"{engine.value} failed: {reason}")


def _skipped_finding(path: str, line: int | None, why: str) -> Finding:
    return Finding(
        stage="sast",
        tool="lockgate",
        rule_id=SKIPPED_RULE,
        message=f"not scanned: {why}",
        severity=Severity.INFO,
        fingerprint=fingerprint(SKIPPED_RULE, path, why),
        location=Location(path, line) if path else None,
        help_text="This file was not analysed, so it is not known to be free of issues. "
        "Fix the file or exclude it explicitly in [sast] exclude.",
    )


def _status(
    jobs: list[Job], missing: list[Engine], problems: Sequence[object], failed: list[str]
) -> Status:
    if not jobs and not missing:
        return Status.SKIPPED
    if failed and len(failed) == len(jobs):
        return Status.ERROR
    return Status.WARNED if missing or problems or failed else Status.PASSED


def _summary(
    files: Sequence[str],
    results: list[EngineResult],
    missing: list[Engine],
    problems: list[tuple[str, int | None, str]],
    failed: list[str],
) -> str:
    if not results and not missing:
        return "no Python, JS/TS, C#, Ruby, Terraform or Containerfile sources to scan"
    parts = [
        f"{r.engine}: {len(r.findings)} findings in {r.scanned} files"
        for r in results
        if not r.failed
    ]
    if missing:
        parts.append(
            "NOT scanned, not installed: "
            + ", ".join(e.value for e in missing)
            + " (run scripts/bootstrap)"
            + _uncovered(files, results, missing)
        )
    if problems:
        parts.append(f"{len(problems)} files not scanned (see {SKIPPED_RULE} findings)")
    parts += failed
    return "; ".join(parts) or f"{len(files)} files"


def _uncovered(files: Sequence[str], results: list[EngineResult], missing: list[Engine]) -> str:
    """The files that only a missing engine would have checked, named (up to three)."""
    ran = [_MODULES[Engine(r.engine)] for r in results if not r.failed]
    left = [
        f
        for f in files
        if any(_MODULES[e].applies(f) for e in missing) and not any(m.applies(f) for m in ran)
    ]
    if not left:
        return ""
    shown = ", ".join(left[:3]) + (" …" if len(left) > 3 else "")
    return f": {len(left)} file(s) checked by no engine: {shown}"

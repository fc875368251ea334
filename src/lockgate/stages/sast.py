"""The `sast` stage: semgrep (lockgate's own rules), bandit and checkov over the project's files."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import ClassVar, assert_never

from lockgate import fsutil
from lockgate.config.options import Option, positive
from lockgate.model import Finding, Metric, Severity, StageResult, Status, Unchecked
from lockgate.sast import bandit, checkov, merge, semgrep
from lockgate.sast.engine import EngineResult
from lockgate.sast.select import VENDORED_DEFAULT, Selection, Skip, candidates, matches, select
from lockgate.stages.interface import Input, StageContext, StageKind
from lockgate.tools import proc


class Engine(enum.StrEnum):
    SEMGREP = "semgrep"
    BANDIT = "bandit"
    CHECKOV = "checkov"


_MODULES = {Engine.SEMGREP: semgrep, Engine.BANDIT: bandit, Engine.CHECKOV: checkov}
# Test code is scanned, but what it holds is not deployed: its findings are reported as info.
TEST_PATHS = (
    "tests/**",
    "test/**",
    "__tests__/**",
    "test_*.py",
    "*_test.py",
    "conftest.py",
    "*.test.js",
    "*.spec.js",
    "*.test.ts",
    "*.spec.ts",
)


class SastStage:
    name: ClassVar[str] = "sast"
    kind: ClassVar[StageKind] = StageKind.SECURITY
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = (
        "Static security analysis: semgrep with lockgate's rules (taint rules for Flask, Django, "
        "FastAPI and Express; templates; C#, Ruby, Terraform), bandit (Python), checkov "
        "(Terraform, Containerfiles)"
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
            list(bandit.DEFAULT_SKIPS),
            "bandit test ids to skip; the default leaves out assert (B101) and the checks lockgate "
            "does with more precision elsewhere: hard-coded passwords (B105-B107, the secrets "
            "gate), SQL built from strings (B608) and mark_safe (B308, B703), which lockgate's own "
            'rules follow from request data. Set ["B101"] to have bandit flag every use again',
        ),
        Option(
            "bandit_low",
            "str",
            "info",
            "Severity given to bandit's LOW-severity checks (import subprocess, try/except/pass, "
            "random, ...): info shows them without failing the gate; low lets them fail it",
            choices=("info", "low"),
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
        Option(
            "skip_vendored",
            "bool",
            True,
            "Leave vendored and minified code out (counted as unchecked)",
        ),
        Option(
            "vendored",
            "list[str]",
            list(VENDORED_DEFAULT),
            "Glob patterns of vendored code (dir/** = that folder anywhere)",
        ),
        Option(
            "test_paths",
            "list[str]",
            list(TEST_PATHS),
            "Glob patterns of test code, whose findings are reported as info",
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
        chosen = _select(ctx)
        versions = [f"{e.value}={_MODULES[e].version()}" for e in _wanted(ctx)]
        rules = [semgrep.RULES_DIR, *_extra_rules(ctx)]
        rule_files = [p for r in rules if r.is_dir() for p in sorted(r.glob("*.y*ml"))]
        rule_digest = fsutil.digest_files(Path("/"), [str(p.resolve())[1:] for p in rule_files])
        skipped = "\n".join(f"{p}\t{k}" for p, k in chosen.skipped)
        return fsutil.digest_text(
            fsutil.digest_files(ctx.project, chosen.files), *versions, rule_digest, skipped
        )

    def run(self, ctx: StageContext) -> StageResult:
        started = time.monotonic()
        chosen = _select(ctx)
        files = list(chosen.files)
        jobs, missing = _plan(ctx, files)
        results = _run_engines(ctx, jobs)
        tests = list(ctx.options["test_paths"])
        findings = merge.merge(_in_tests(f, tests) for r in results for f in r.findings)
        unchecked = [
            *chosen.unchecked(),
            *_missing_rules(ctx),
            *_engine_problems(results),
            *_uncovered(files, results, missing),
            *(Unchecked(r.engine, r.failed, fix=_RERUN) for r in results if r.failed),
        ]
        return StageResult(
            stage=self.name,
            status=_status(jobs, missing, unchecked, results),
            findings=tuple(findings),
            metrics=(
                Metric("files_scanned", len(files), "files"),
                Metric("files_skipped", len(chosen.skipped), "files"),
                Metric("vendored_skipped", _vendored_count(chosen), "files"),
            ),
            artifacts=tuple(a for r in results for a in r.artifacts),
            duration=time.monotonic() - started,
            tool_versions=tuple((r.engine, r.version) for r in results),
            summary=_summary(files, results, missing, chosen, findings),
            unchecked=tuple(unchecked),
        )


_RERUN = "see the engine's report in the stage artifacts, fix the cause and run again"


def _wanted(ctx: StageContext) -> list[Engine]:
    return [Engine(e) for e in ctx.options["engines"]]


def _extra_rules(ctx: StageContext) -> list[Path]:
    """The project's own extra rules directory, when configured and present."""
    raw = ctx.options.get("rules_dir") or ""
    path = (ctx.project / raw).resolve()
    return [path] if raw and path.is_dir() else []


def _missing_rules(ctx: StageContext) -> list[Unchecked]:
    raw = ctx.options.get("rules_dir") or ""
    if not raw or _extra_rules(ctx) or Engine.SEMGREP not in _wanted(ctx):
        return []
    return [
        Unchecked(
            what=f"rules_dir {raw}",
            reason=f"the extra semgrep rules folder {raw} does not exist, so its rules did not run",
            fix="fix [stages.sast] rules_dir (a folder relative to the project) or remove it",
        )
    ]


def _select(ctx: StageContext) -> Selection:
    """Files to scan, and those left out (vendored, minified, huge, binary, unreadable)."""
    found = candidates(
        ctx.project,
        ctx.options["exclude"],
        lambda f: any(_MODULES[e].applies(f) for e in Engine),
    )
    return select(
        ctx.project,
        found,
        max_bytes=int(ctx.options["max_file_kb"]) * 1024,
        skip_vendored=bool(ctx.options["skip_vendored"]),
        vendored=ctx.options["vendored"],
    )


def _vendored_count(chosen: Selection) -> int:
    return chosen.count(Skip.VENDORED) + chosen.count(Skip.MINIFIED)


def _in_tests(finding: Finding, patterns: Sequence[str]) -> Finding:
    """A finding in test code, reported as info: test code is not deployed."""
    loc = finding.location
    if loc is None or finding.severity is Severity.INFO:
        return finding
    if not any(matches(loc.path, p) for p in patterns):
        return finding
    return replace(
        finding,
        severity=Severity.INFO,
        message=f"{finding.message} (in test code: reported as info, was {finding.severity})",
        tags=(*finding.tags, "test-code"),
    )


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
            low = Severity(str(ctx.options["bandit_low"]))
            return lambda: bandit.run(project, files, out, timeout, skips, low)
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


def _engine_problems(results: list[EngineResult]) -> list[Unchecked]:
    """Files (or parts of files) an engine could not analyse: parse errors, timeouts."""
    return [
        Unchecked(
            what=f"{path}:{line}" if line else path or r.engine,
            reason=f"{r.engine} could not analyse it: {why}",
            fix="fix the file (or the rule), or list it in [stages.sast] exclude",
        )
        for r in results
        for path, line, why in r.problems
    ]


def _status(
    jobs: list[Job], missing: list[Engine], unchecked: list[Unchecked], results: list[EngineResult]
) -> Status:
    if not jobs and not missing:
        return Status.WARNED if unchecked else Status.SKIPPED
    if jobs and all(r.failed for r in results):
        return Status.ERROR
    return Status.WARNED if missing or unchecked else Status.PASSED


def _summary(
    files: Sequence[str],
    results: list[EngineResult],
    missing: list[Engine],
    chosen: Selection,
    findings: Sequence[Finding],
) -> str:
    if not results and not missing:
        left = f" ({len(chosen.skipped)} left out, see unchecked)" if chosen.skipped else ""
        return (
            "no Python, JS/TS, template, C#, Ruby, Terraform or Containerfile sources to scan"
            + left
        )
    raw = sum(len(r.findings) for r in results)
    parts = [
        f"{r.engine}: {len(r.findings)} findings in {r.scanned} files"
        for r in results
        if not r.failed
    ]
    if raw > len(findings):
        parts.append(f"{len(findings)} after merging hits on the same line and weakness")
    if missing:
        parts.append(
            "NOT scanned, not installed: "
            + ", ".join(e.value for e in missing)
            + " (run scripts/bootstrap)"
        )
    vendored = _vendored_count(chosen)
    if vendored:
        parts.append(f"{vendored} vendored or minified files left out (skip_vendored)")
    if len(chosen.skipped) > vendored:
        parts.append(
            f"{len(chosen.skipped) - vendored} files not scanned (too big, binary or unreadable)"
        )
    parts += [r.failed for r in results if r.failed]
    return "; ".join(parts) or f"{len(files)} files"


def _uncovered(
    files: Sequence[str], results: list[EngineResult], missing: list[Engine]
) -> list[Unchecked]:
    """The files that only a missing engine would have checked, named (up to three)."""
    ran = [_MODULES[Engine(r.engine)] for r in results if not r.failed]
    left = [
        f
        for f in files
        if any(_MODULES[e].applies(f) for e in missing) and not any(m.applies(f) for m in ran)
    ]
    if not left:
        return []
    shown = ", ".join(left[:3]) + (" …" if len(left) > 3 else "")
    names = ", ".join(e.value for e in missing)
    return [
        Unchecked(
            what=f"{len(left)} file(s) checked by no engine: {shown}",
            reason=f"not installed: {names}",
            count=len(left),
            fix="run scripts/bootstrap (installs requirements/tool-<engine>.txt into .venv-tools/)",
        )
    ]

"""One run end to end: config → plan → stages (cached, parallel) → gate → store → reports."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from lockgate.config.loader import Config, Suppression, load_config
from lockgate.engine import baseline as baselines
from lockgate.engine.cache import StageCache
from lockgate.engine.context import stage_context
from lockgate.engine.events import Progress, StageEvent, choose_progress
from lockgate.engine.gate import apply_gate
from lockgate.engine.graph import Plan, build_plan
from lockgate.engine.recorder import Recorder
from lockgate.engine.scheduler import Interrupted, Job, execute
from lockgate.errors import ExitCode, LockgateError
from lockgate.gitinfo import read_git
from lockgate.identity import project_identity
from lockgate.model import Run, RunStatus, StageResult, Status
from lockgate.reports import write_reports
from lockgate.stages.interface import GitInfo, Stage, StageContext
from lockgate.stages.registry import all_stages
from lockgate.store.repository import Store
from lockgate.tools import proc


@dataclass(frozen=True)
class RunRequest:
    project: Path
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    use_cache: bool = True
    jobs: int | None = None
    report_dir: Path | None = None
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # stage -> options


@dataclass(frozen=True)
class RunOutcome:
    run: Run
    report_dir: Path
    reports: Mapping[str, Path]
    exit_code: ExitCode
    warnings: tuple[str, ...] = ()
    store_error: str | None = None  # the store failed mid-run: reports written, run not recorded


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def run_pipeline(request: RunRequest, progress_stream: TextIO | None = None) -> RunOutcome:
    root = _project_root(request.project)
    stages = all_stages()
    config = load_config(root, stages)
    plan = build_plan(
        stages,
        only=request.only,
        skip=request.skip,
        disabled=[n for n, s in config.stages.items() if not s.enabled],
    )
    if not plan.order:  # a run that checked nothing must not report PASSED
        raise LockgateError(
            "no stage left to run: --only, --skip and `enabled = false` leave out every stage",
            hint="run `lockgate stages` to see them; name at least one that is not skipped",
        )
    git = read_git(root, config.project.base_branch)
    identity = project_identity(root, config.project.id, config.project.name)
    run = Run(
        id=new_run_id(),
        project=config.project.name,
        project_key=identity.key,
        started=datetime.now(UTC),
        status=RunStatus.RUNNING,
        branch=git.branch,
        commit=git.commit,
    )
    report_dir = _report_dir(request.report_dir, root, run.id)
    instances = {name: stages[name]() for name in plan.order}
    contexts = _context_factory(config, stages, request, report_dir, run.id, git)
    _check_available(plan, instances, contexts)
    _ensure_private_dir(root)
    store = Store.open(root)
    try:
        store.mark_orphans_interrupted()
        known = _baseline(root, store, config, identity.key)  # bad input stops here, before a run
        store.begin_run(run)
        recorder = Recorder(store)  # from here on a store outage must not lose the reports
        try:
            results, status = _execute(
                plan, instances, contexts, config, known, request, recorder, run, progress_stream
            )
        except BaseException as exc:  # the store must not keep a run "running" forever
            stopped = (
                RunStatus.INTERRUPTED if isinstance(exc, KeyboardInterrupt) else RunStatus.ERROR
            )
            recorder.finish_run(run.id, stopped, datetime.now(UTC))
            raise
        run = replace(run, status=status, finished=datetime.now(UTC), results=results)
        # Recorded before the reports: a report that cannot be written must not lose the verdict.
        recorder.finish_run(run.id, status, run.finished or datetime.now(UTC))
        notes: list[str] = []  # e.g. an unwritable $GITHUB_STEP_SUMMARY: warned, verdict kept
        reports = write_reports(run, report_dir, warnings=notes)
    finally:
        store.close()
    store_error = recorder.failure_message(str(report_dir))
    code = _exit_code(status)
    if store_error is not None and code is not ExitCode.INTERRUPTED:
        code = ExitCode.BAD_INPUT
    return RunOutcome(
        run, report_dir, reports, code, config.warnings + tuple(notes), store_error=store_error
    )


def _execute(
    plan: Plan,
    instances: Mapping[str, Stage],
    contexts: Any,
    config: Config,
    known: baselines.Baseline,
    request: RunRequest,
    store: Recorder,
    run: Run,
    stream: TextIO | None,
) -> tuple[tuple[StageResult, ...], RunStatus]:
    def decide(result: StageResult) -> StageResult:
        settings = config.stages[result.stage]
        sups = [s for s in config.suppressions if s.stage in (None, result.stage)]
        return apply_gate(
            result,
            settings.gate,
            sups,
            known.for_stage(result.stage),
            expired_here=_reported_by(result.stage, plan, config),
        )

    progress: Progress = choose_progress(stream, plan.order)
    position = {name: i for i, name in enumerate(plan.order)}

    def on_event(event: StageEvent) -> None:
        progress(event)
        if event.result is not None:  # stored in plan order, as the reports show them
            store.save_result(run.id, event.result, position=position[event.stage])

    jobs = {n: Job(instances[n], partial(contexts, n)) for n in plan.order}
    cache = (
        StageCache(request.project.resolve() / ".lockgate" / "cache") if request.use_cache else None
    )
    workers = request.jobs or config.run.jobs or os.cpu_count() or 2
    proc.reset_cancel()
    try:
        done = execute(plan, jobs, workers=workers, cache=cache, decide=decide, on_event=on_event)
        status = _run_status(done.values())
    except Interrupted as stop:
        done, status = stop.results, RunStatus.INTERRUPTED
    finally:
        progress.close()
    return tuple(done.values()), status


def _reported_by(stage: str, plan: Plan, config: Config) -> list[Suppression]:
    """Suppressions whose expiry `stage` reports, matched or not: each one exactly once, by the
    stage it names, else by the first stage of the plan (so none expires silently)."""
    first = plan.order[0]
    return [
        s for s in config.suppressions if s.stage == stage or (s.stage is None and stage == first)
    ]


def _context_factory(
    config: Config,
    stages: Mapping[str, type[Stage]],
    request: RunRequest,
    report_dir: Path,
    run_id: str,
    git: GitInfo,
) -> Any:
    def make(name: str, upstream: Mapping[str, StageResult]) -> StageContext:
        artifacts = report_dir / "artifacts" / name
        artifacts.mkdir(parents=True, exist_ok=True)
        return stage_context(
            config,
            stages[name],
            artifacts=artifacts,
            run_id=run_id,
            git=git,
            overrides=request.overrides.get(name),
            upstream=upstream,
        )

    return make


def _check_available(plan: Plan, instances: Mapping[str, Stage], contexts: Any) -> None:
    missing = []
    for name in plan.order:
        why = instances[name].available(contexts(name, {}))
        if why is not None:
            missing.append(f"{name}: {why}")
    if missing:
        raise LockgateError(
            "some stages cannot run here:\n  " + "\n  ".join(missing),
            hint="install what they need (`scripts/bootstrap` does it for lockgate's own pins), "
            "or leave them out with --skip NAME or `enabled = false` in [stages.NAME]",
        )


def _baseline(root: Path, store: Store, config: Config, key: str) -> baselines.Baseline:
    committed = baselines.load_file(root)
    if committed is not None:
        return committed
    if not any(s.gate.new_only for s in config.stages.values()):
        return baselines.EMPTY
    last = store.last_green_run(config.project.name, config.project.base_branch, key=key)
    return baselines.from_run(last) if last is not None else baselines.EMPTY


def _project_root(path: Path) -> Path:
    root = path.resolve()
    if not root.is_dir():
        raise LockgateError(
            f"project folder '{path}' does not exist or is not a folder",
            hint="pass the path of the project to check, e.g. `lockgate run examples/tenancy-api`",
        )
    return root


def _report_dir(requested: Path | None, root: Path, run_id: str) -> Path:
    private = root / ".lockgate"
    if private.exists() and not private.is_dir():
        raise LockgateError(
            "is not a folder: lockgate keeps its store, cache and reports in it",
            where=str(private),
            hint=f"move the file aside (mv {private} {private}.bak) and rerun",
        )
    path = requested if requested is not None else root / ".lockgate" / "reports" / run_id
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".lockgate-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise LockgateError(
            f"cannot write reports to '{path}': {exc.strerror or exc}",
            hint="choose a writable folder with --report-dir, or fix its permissions",
        ) from exc
    return path


def _ensure_private_dir(root: Path) -> None:
    """`.lockgate/` holds the store, cache and reports: git-ignored except the committed baseline."""
    folder = root / ".lockgate"
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(
            "# lockgate's own files; only the baseline is meant to be committed\n*\n"
            "!.gitignore\n!baseline.json\n"
        )


def _run_status(results: Any) -> RunStatus:
    statuses = {r.status for r in results}
    if Status.FAILED in statuses or Status.ERROR in statuses:
        return RunStatus.FAILED
    return RunStatus.PASSED


def _exit_code(status: RunStatus) -> ExitCode:
    return {
        RunStatus.PASSED: ExitCode.OK,
        RunStatus.FAILED: ExitCode.GATE_FAILED,
        RunStatus.ERROR: ExitCode.INTERNAL,
        RunStatus.INTERRUPTED: ExitCode.INTERRUPTED,
        RunStatus.RUNNING: ExitCode.INTERNAL,
    }[status]

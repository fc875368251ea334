"""Run the project's tests in the environment they need and read what they report."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from lockgate import fsutil
from lockgate.model import StageResult
from lockgate.testrun import command, environments, report
from lockgate.testrun.command import Request
from lockgate.testrun.interface import EnvError
from lockgate.testrun.junit import JUnitError, read_junit
from lockgate.tools import proc


def unavailable(req: Request) -> str | None:
    """Why the tests cannot run here (no interpreter, no uv, no wheels folder), or None."""
    choice = environments.choose(req.project, req.options)
    if req.options["command"] and not choice.create:
        return None  # the project's own command brings what it needs
    return environments.unavailable(choice)


def cache_key(req: Request) -> str | None:
    """Every project file, plus the environment: a created one by the digest naming its folder,
    an existing venv by its pyvenv.cfg and installed distributions, else the interpreter's answer."""
    if not req.options["cache"]:
        return None
    choice = environments.choose(req.project, req.options)
    files = fsutil.digest_files(req.project, fsutil.project_files(req.project))
    if choice.create:
        return fsutil.digest_text(files, *(item.home.name for item in choice.create))
    python = choice.base.python
    # In a venv the dist-info names and pyvenv.cfg pin every version without starting Python.
    found = command.installed(Path(python))
    cfg = Path(python).parent.parent / "pyvenv.cfg"
    identity = [cfg.read_text(errors="replace"), *found] if found else []
    if not identity:
        identity = [json.dumps(command.probe(python), sort_keys=True)]
    return fsutil.digest_text(files, python, *identity)


def run(req: Request) -> StageResult:
    started = time.monotonic()
    choice = environments.choose(req.project, req.options)
    try:
        env = environments.ensure(
            choice, req.project, req.artifacts / "environment.log", req.timeout
        )
    except EnvError as exc:
        return report.error(f"could not create the test environment: {exc}", started, [])
    python = env.python or sys.executable
    versions = command.probe(python)
    if not req.options["command"] and not versions.get("pytest"):
        return report.error(report.missing_pytest(python, env.origin), started, [])
    plan = command.plan(req, python, versions)
    command.clear_stale(req, plan)
    variables = command.variables(req, env)
    done = proc.run(plan.argv, cwd=req.project, env=variables, timeout=req.timeout)
    if done.timed_out:
        return report.timed_out(req, started)
    try:
        cases = read_junit(plan.junit)
    except JUnitError as exc:
        return report.junit_error(req, plan, done, str(exc), env.origin, started)
    coverage = command.coverage(req, plan, variables)
    result = report.result(req, done, cases, coverage, plan, started)
    created = f"; environment {env.origin}" if choice.create else ""
    return result.with_(
        summary=result.summary + created,
        tool_versions=tuple(sorted((k, v) for k, v in versions.items() if v)),
    )

"""Environments: declared ones, per-branch review environments, production's admission rules, pruning."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from lockgate.deploy.image import slug
from lockgate.deploy.interface import Environment
from lockgate.deploy.options import DEFAULT_ENVIRONMENTS, ENVIRONMENT_OPTIONS
from lockgate.errors import LockgateError
from lockgate.model import Deployment, DeploymentStatus, Run, RunStatus, Status
from lockgate.tools import proc

REVIEW = "review"
PRODUCTION = "production"


def env_root(project: Path) -> Path:
    return project / ".lockgate" / "env"


def state_dir(project: Path, name: str) -> Path:
    return env_root(project) / name


def declared(sections: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    """Declared environments by name, defaults filled; the defaults when none are declared."""
    given = dict(sections or {})
    if given:
        return given
    defaults = {opt.name: opt.default for opt in ENVIRONMENT_OPTIONS}
    return {name: defaults for name in DEFAULT_ENVIRONMENTS}


def resolve(name: str, envs: Mapping[str, Mapping[str, Any]], branch: str | None) -> Environment:
    """`review` becomes `review-<branch-slug>`; a name must be declared (or a review-* of one)."""
    kind, env_branch = name, None
    if name == REVIEW and REVIEW in envs:
        if not branch:
            raise LockgateError(
                "a review environment needs a git branch, and none is checked out",
                hint="deploy from a branch, or name a declared environment",
            )
        name, env_branch = f"{REVIEW}-{slug(branch)}", branch
    elif name.startswith(f"{REVIEW}-") and REVIEW in envs:
        kind = REVIEW
    elif name not in envs:
        close = difflib.get_close_matches(name, list(envs), n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise LockgateError(
            f"unknown environment '{name}'",
            hint=f"{hint}declared: {', '.join(envs)} (add [environments.{name}] to lockgate.toml)",
        )
    opts = envs[kind]
    return Environment(
        name=name,
        kind=kind,
        port=int(opts.get("port", 0)),
        url=str(opts.get("url", "")),
        host=str(opts.get("host", "")),
        requires=tuple(opts.get("requires", ())),
        branches=tuple(opts.get("branches", ())),
        require_passed_run=bool(opts.get("require_passed_run", False)),
        branch=env_branch,
    )


# --- admission: which versions may go where ------------------------------------------------


class History(Protocol):
    """The part of the store admission reads."""

    def deployments(
        self, service: str | None = None, environment: str | None = None, limit: int = 100
    ) -> list[Deployment]: ...

    def list_runs(self, project: str | None = None, limit: int = 20) -> list[Run]: ...

    def stage_outcomes(self, run_id: str) -> dict[str, Status]: ...


@dataclass(frozen=True)
class Candidate:
    service: str
    version: str
    commit: str | None
    branch: str | None  # the branch the version comes from, as far as lockgate knows
    dirty: bool = False  # the checkout has uncommitted changes


def admission(
    env: Environment,
    cand: Candidate,
    history: History,
    base_branch: str,
    gates: tuple[str, ...] = (),
) -> str | None:
    """None when `cand` may deploy to `env`, else the reason it may not (see `refusal`)."""
    found = refusal(env, cand, history, base_branch, gates)
    return None if found is None else found[0]


DIRTY_MARK = "-dirty-"  # in a version built from uncommitted changes (image.source_tag)


def refusal(
    env: Environment,
    cand: Candidate,
    history: History,
    base_branch: str,
    gates: tuple[str, ...] = (),
) -> tuple[str, str] | None:
    """None when `cand` may deploy to `env`, else (the reason it may not, the fix).

    Production (built in): only a clean commit of the default branch, only a version that
    succeeded in every required environment (staging by default), and only a commit with a run
    that ran every enabled gate (`gates`) and passed.
    """
    production = env.kind == PRODUCTION
    branches = env.branches or ((base_branch,) if production else ())
    branches = tuple(base_branch if b == "@default" else b for b in branches)
    if branches and cand.branch not in branches:
        return (
            f"'{env.name}' takes versions from {', '.join(branches)} only; "
            f"{cand.version} comes from {cand.branch or 'no branch'}",
            f"merge the change into {branches[0]}, check out {branches[0]} and deploy from there",
        )
    if production:
        found = _unclean(env, cand)
        if found is not None:
            return found
    requires = env.requires or (("staging",) if production else ())
    for req in requires:
        deps = history.deployments(service=cand.service, environment=req, limit=500)
        if not any(d.version == cand.version and d.status in _PASSED for d in deps):
            return (
                f"version {cand.version} has no succeeded deployment to '{req}' yet",
                f"deploy it to '{req}' and verify it there first: lockgate deploy {req}",
            )
    if env.require_passed_run or production:
        return _gates_refusal(cand, history, gates)
    return None


def _unclean(env: Environment, cand: Candidate) -> tuple[str, str] | None:
    """Production takes a clean commit only: no uncommitted changes, now or in the version."""
    fix = (
        "commit the changes, deploy that commit to staging, run `lockgate run` on it, "
        "then deploy to production"
    )
    if cand.dirty:
        return (
            f"the working tree has uncommitted changes; '{env.name}' takes only a clean commit",
            fix,
        )
    if DIRTY_MARK in cand.version:
        return (
            f"version {cand.version} was built from a dirty tree (uncommitted changes); "
            f"'{env.name}' takes only a clean commit",
            fix,
        )
    return None


_GATE_OK = (Status.PASSED, Status.WARNED)


def run_shortfall(history: History, run: Run, gates: tuple[str, ...]) -> str | None:
    """None when `run` ran every gate in `gates` and passed, else what it lacks (one phrase)."""
    if run.status is not RunStatus.PASSED:
        return f"is {run.status.value}"
    outcomes = history.stage_outcomes(run.id)
    missing = [g for g in gates if g not in outcomes]
    bad = [f"{s} {st.value}" for s, st in outcomes.items() if st not in _GATE_OK]
    problems = []
    if missing:
        problems.append(f"did not run {', '.join(missing)} (left out by --only/--skip)")
    if bad:
        problems.append(f"has {', '.join(bad)}")
    return "; ".join(problems) or None


def _gates_refusal(
    cand: Candidate, history: History, gates: tuple[str, ...]
) -> tuple[str, str] | None:
    fix = (
        "run `lockgate run` on this commit with every enabled stage (no --only/--skip), "
        "fix what fails, then deploy again"
    )
    if not cand.commit:
        return (
            f"version {cand.version} has no commit to check gates for",
            "deploy from a git checkout with the change committed",
        )
    runs = history.list_runs(project=cand.service, limit=500)
    mine = [r for r in runs if r.commit == cand.commit and r.status is not RunStatus.RUNNING]
    shortfalls = []
    for run in mine:
        lack = run_shortfall(history, run, gates)
        if lack is None:
            return None
        shortfalls.append(f"run {run.id} {lack}")
    if not mine:
        why = f"commit {cand.commit[:12]} has no passed `lockgate run`"
    else:
        listed = "; ".join(shortfalls[:3]) + ("; ..." if len(shortfalls) > 3 else "")
        why = (
            f"commit {cand.commit[:12]} has no passed `lockgate run` that ran every enabled "
            f"gate ({', '.join(gates) or 'none enabled'}): {listed}"
        )
    return why, fix


_PASSED = (DeploymentStatus.SUCCEEDED,)  # a rolled-back version was found bad


def promotion_source(
    history: History, service: str, version: str, requires: tuple[str, ...]
) -> Deployment | None:
    """The succeeded deployment of `version` in a required environment (its commit and image)."""
    for req in requires:
        for dep in history.deployments(service=service, environment=req, limit=500):
            if dep.version == version and dep.status in _PASSED:
                return dep
    return None


# --- what exists on this machine ------------------------------------------------------------


@dataclass(frozen=True)
class EnvRecord:
    """env.json in an environment's state dir: what lockgate created and when."""

    name: str
    kind: str
    created: datetime
    branch: str | None = None


def write_record(directory: Path, env: Environment) -> EnvRecord:
    path = directory / "env.json"
    old = read_record(directory)
    if old is not None:
        return old
    rec = EnvRecord(env.name, env.kind, datetime.now(UTC).replace(microsecond=0), env.branch)
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "name": rec.name,
                "kind": rec.kind,
                "branch": rec.branch,
                "created": rec.created.isoformat(timespec="seconds"),
            }
        )
    )
    return rec


def read_record(directory: Path) -> EnvRecord | None:
    try:
        data = json.loads((directory / "env.json").read_text())
        return EnvRecord(
            data["name"], data["kind"], datetime.fromisoformat(data["created"]), data.get("branch")
        )
    except (OSError, ValueError, KeyError):
        return None


def existing(project: Path) -> list[EnvRecord]:
    root = env_root(project)
    if not root.is_dir():
        return []
    return [r for d in sorted(root.iterdir()) if (r := read_record(d)) is not None]


def branch_exists(project: Path, branch: str) -> bool | None:
    """None when git cannot tell (not a repo)."""
    if not (project / ".git").exists() or proc.which("git") is None:
        return None
    done = proc.run(
        ["git", "show-ref", "--verify", "--quiet", f"refs/heads/{branch}"], cwd=project, timeout=15
    )
    return done.returncode == 0


def review_expiry(
    rec: EnvRecord, ttl_hours: float, now: datetime, branch_gone: bool | None = None
) -> tuple[str, ...]:
    """Every reason a review environment has outlived its use: past the TTL, its branch gone.

    `branch_gone` is None when git cannot tell. Non-review environments never expire.
    """
    if rec.kind != REVIEW:
        return ()
    reasons: list[str] = []
    age = (now - rec.created).total_seconds() / 3600
    if age > ttl_hours:
        reasons.append(f"{age:.0f} h old, past the {ttl_hours:g} h TTL")
    if rec.branch and branch_gone:
        reasons.append(f"branch {rec.branch} is gone")
    return tuple(reasons)


def branch_gone(project: Path, rec: EnvRecord) -> bool | None:
    """True when the review environment's branch no longer exists; None when git cannot tell."""
    if rec.kind != REVIEW or not rec.branch:
        return None
    exists = branch_exists(project, rec.branch)
    return None if exists is None else not exists


def prune_reason(project: Path, rec: EnvRecord, ttl_hours: float, now: datetime) -> str | None:
    """Why a review environment should go (every reason that applies, joined), or None."""
    reasons = review_expiry(rec, ttl_hours, now, branch_gone(project, rec))
    return "; ".join(reasons) or None

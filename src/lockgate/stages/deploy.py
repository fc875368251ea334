"""The `deploy` stage: after the gates and the build, deploy to a (review) environment, health-checked."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from lockgate.config.options import Option
from lockgate.errors import LockgateError
from lockgate.model import (
    Finding,
    Location,
    Metric,
    Severity,
    StageResult,
    Status,
    Unchecked,
    fingerprint,
)
from lockgate.stages.interface import Input, StageContext, StageKind

if TYPE_CHECKING:  # the deploy machinery (and the store's SQLAlchemy) loads only when it runs:
    # loading the config imports every stage module, and the git hooks must stay fast
    from lockgate.deploy.flow import Settings
    from lockgate.deploy.interface import Environment


SERVING_AT = "serving at"  # the summary of a deploy names the URL after these words
_SERVED_URL = re.compile(rf"{SERVING_AT} (\S+)")


def served_url(result: StageResult) -> str | None:
    """The URL a deploy stage's result says the service is serving at, or None."""
    found = _SERVED_URL.search(result.summary)
    return found[1] if found else None


class DeployStage:
    name: ClassVar[str] = "deploy"
    kind: ClassVar[StageKind] = StageKind.DELIVERY
    consumes: ClassVar[Input] = Input.IMAGE  # so the graph has it need the stage that makes one
    provides: ClassVar[Input | None] = Input.URL
    needs: ClassVar[tuple[str, ...]] = ("docs",)  # its site, served under /docs/ with `publish`
    # an action, not a check (a failed deploy is a finding, the stage itself passes): production
    # does not ask for it in the run that cleared a commit (deploy.flow.gate_stages)
    gate: ClassVar[bool] = False
    description: ClassVar[str] = (
        "Deploy the built version to an environment (default: this branch's review environment), "
        "health-checked, rolled back by itself, recorded"
    )
    options: ClassVar[tuple[Option, ...]] = (
        Option(
            "environment",
            "str",
            "review",
            "Environment the pipeline deploys to (review = review-<branch>).",
        ),
    )

    def available(self, ctx: StageContext) -> str | None:
        from lockgate.deploy.flow import TARGETS, context

        try:
            settings, env = _target(ctx)
            TARGETS[str(settings.deploy["target"])]().check(context(settings, env))
        except LockgateError as exc:
            return exc.message + (f"; {exc.hint}" if exc.hint else "")
        return None

    def cache_key(self, ctx: StageContext) -> str | None:
        return None  # a deployment is an action, never a cached result

    def run(self, ctx: StageContext) -> StageResult:
        from lockgate.deploy.flow import Source, deploy
        from lockgate.deploy.image import source_tag
        from lockgate.store.repository import Store

        start = time.monotonic()
        settings, env = _target(ctx)
        site, unserved = _docs_site(ctx)
        source = Source(ctx.git.commit, ctx.git.branch)
        try:
            with Store.open(ctx.project) as store:
                out = deploy(settings, env, source, store, docs=site)
        except LockgateError as exc:
            version = source_tag(ctx.project, ctx.git.commit)
            return _failed(env.name, version, exc, time.monotonic() - start)
        dep = out.deployment
        notes = "; ".join(out.notes)
        served = f"; docs site at {out.url.rstrip('/')}/docs/" if site is not None else ""
        return StageResult(
            stage=self.name,
            status=Status.WARNED if unserved else Status.PASSED,
            metrics=(Metric("deploy_time", round(out.seconds, 2), "s"),),
            duration=time.monotonic() - start,
            summary=f"{dep.version} {SERVING_AT} {out.url} ({env.name}){served}"
            + (f"; {notes}" if notes else ""),
            unchecked=unserved,
        )


def _target(ctx: StageContext) -> tuple[Settings, Environment]:
    """The deploy settings and the environment this stage deploys to."""
    from lockgate.deploy import environments as envs
    from lockgate.deploy.flow import Settings
    from lockgate.stages.registry import all_stages

    classes = all_stages()
    settings = Settings(
        project=ctx.project,
        service=ctx.service,
        base_branch=ctx.git.base_branch,
        container=ctx.container.as_mapping(),
        deploy=ctx.deploy.as_mapping(),
        environments={name: e.as_mapping() for name, e in ctx.environments.items()},
        gates=tuple(n for n in ctx.enabled_stages if getattr(classes.get(n), "gate", True)),
        project_id=ctx.project_id,
    )
    env = envs.resolve(str(ctx.options["environment"]), settings.environments, ctx.git.branch)
    return settings, env


def _docs_site(ctx: StageContext) -> tuple[Path | None, tuple[Unchecked, ...]]:
    """The docs site this run built to serve beside the service (`[stages.docs] publish`), or
    None; and, when it was asked for but cannot be served, why."""
    from lockgate.stages.docs import published_site

    docs = ctx.upstream.get("docs")
    if docs is None:
        if not ctx.needed_options.get("docs", {}).get("publish"):
            return None, ()
        why = "publish = true, but the docs stage did not run in this run (--skip, --only, or disabled)"
        fix = "run the docs stage with the deploy (lockgate run without --skip docs)"
        return None, (Unchecked(what="docs site", reason=why, fix=fix),)
    site = published_site(docs, ctx.artifacts.parent)
    if site is None:
        return None, ()
    if not (site / "index.html").is_file():
        why = f"publish = true, but the docs stage left no site ({docs.summary[:200]})"
        fix = "see the docs stage's result and fix it"
        return None, (Unchecked(what="docs site", reason=why, fix=fix),)
    if ctx.deploy.target != "container":
        return None, (
            Unchecked(
                what="docs site",
                reason=f"publish = true, but the {ctx.deploy.target} target has no nginx front "
                "that lockgate runs, so nothing serves the site",
                fix="serve the docs stage's published/ folder with the service yourself, or use "
                'deploy.target = "container"',
            ),
        )
    return site, ()


def _failed(env: str, version: str, exc: LockgateError, seconds: float) -> StageResult:
    """A failed deployment is a finding: the previous version keeps serving, the record says failed.

    Its fingerprint names the version: a baseline that holds one failed deploy must not hide
    the failures of later versions (a new-only gate would pass them)."""
    text = exc.message + (f" (fix: {exc.hint})" if exc.hint else "")
    return StageResult(
        stage="deploy",
        status=Status.PASSED,
        findings=(
            Finding(
                stage="deploy",
                tool="lockgate",
                rule_id="deploy-failed",
                message=f"deploy to {env} failed: {text}",
                severity=Severity.HIGH,
                fingerprint=fingerprint("deploy-failed", "lockgate.toml", f"{env} {version}"),
                location=Location("lockgate.toml"),
            ),
        ),
        duration=seconds,
        summary=f"deploy to {env} failed; the previous version keeps serving",
    )

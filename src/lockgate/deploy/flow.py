"""Deploy and roll back one environment: lock, admission, build, target, deployment records."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from lockgate.deploy import engine as engines
from lockgate.deploy import environments as envs
from lockgate.deploy.command import CommandTarget
from lockgate.deploy.container import ContainerTarget
from lockgate.deploy.image import (
    BuildRequest,
    build_image,
    dirty_suffix,
    is_dirty,
    repository,
    slug,
    source_tag,
)
from lockgate.deploy.interface import (
    DeployContext,
    DeployFailed,
    Environment,
    HealthSpec,
    Live,
    Release,
    Target,
)
from lockgate.deploy.kubernetes import KubernetesTarget
from lockgate.deploy.lock import EnvLock
from lockgate.deploy.options import CONTAINER_OPTIONS, DEPLOY_OPTIONS
from lockgate.deploy.scope import deploy_scope
from lockgate.errors import ExitCode, LockgateError
from lockgate.model import Deployment, DeploymentStatus

TARGETS: dict[str, Callable[[], Target]] = {
    "container": ContainerTarget,
    "command": CommandTarget,
    "kubernetes": KubernetesTarget,
}


class Records(envs.History, Protocol):
    """The part of the store deployments write (lockgate.store.repository.Store)."""

    def add_deployment(self, dep: Deployment) -> int: ...

    def finish_deployment(
        self, dep_id: int, status: DeploymentStatus, finished: datetime, detail: str = ""
    ) -> None: ...

    def mark_orphan_deployments_failed(self) -> list[int]: ...

    def dead_deployments(self, ids: Iterable[int]) -> set[int]: ...

    def set_deployment_image(self, dep_id: int, image_digest: str | None) -> None: ...


@dataclass(frozen=True)
class Settings:
    """The deploy-related config of one project, defaults filled."""

    project: Path
    service: str
    base_branch: str
    container: Mapping[str, Any]
    deploy: Mapping[str, Any]
    environments: dict[str, Mapping[str, Any]]
    gates: tuple[str, ...] = ()  # enabled gate stages: production needs a run that ran them all
    project_id: str | None = None  # a configured project identity, if the config has one
    publish_docs: bool = False  # [stages.docs] publish: a deploy without a site says so

    @property
    def health(self) -> HealthSpec:
        d = self.deploy
        return HealthSpec(
            str(d["health_path"]), float(d["health_timeout"]), int(d["health_status"])
        )

    @classmethod
    def from_config(cls, config: Any) -> Settings:
        """From a loaded lockgate Config (its `sections`), defaults where a section is missing."""
        sections = config.sections
        configured = getattr(config.project, "id", None)
        return cls(
            project=config.root,
            service=config.project.name,
            base_branch=config.project.base_branch,
            container=_filled(CONTAINER_OPTIONS, sections.get("container")),
            deploy=_filled(DEPLOY_OPTIONS, sections.get("deploy")),
            environments=envs.declared(sections.get("environments")),
            gates=gate_stages(config),
            project_id=str(configured) if configured else None,
            publish_docs=_publishes_docs(config),
        )

    def with_(self, **section_changes: Mapping[str, Any]) -> Settings:
        """A copy with some keys of `container`/`deploy` changed (tests, CLI flags)."""
        c = {**self.container, **section_changes.get("container", {})}
        d = {**self.deploy, **section_changes.get("deploy", {})}
        return replace(self, container=c, deploy=d)


def gate_stages(config: Any) -> tuple[str, ...]:
    """The enabled stages that are gates (a stage whose class says `gate = False`, as the deploy
    stage does, is an action, not a check), in registry order."""
    from lockgate.stages.registry import all_stages

    classes = all_stages()
    return tuple(
        name
        for name, stage in config.stages.items()
        if stage.enabled and getattr(classes.get(name), "gate", True)
    )


def _publishes_docs(config: Any) -> bool:
    docs = config.stages.get("docs")
    return bool(docs is not None and docs.enabled and docs.options.get("publish"))


NO_DOCS_SITE = (
    "the docs site is not served: this deploy built none (`lockgate run` builds it with the "
    "docs stage and serves it under /docs/)"
)


def load_settings(project: Path) -> Settings:
    """Settings of the project at `project` from its lockgate.toml (or defaults)."""
    from lockgate.config.loader import load_config

    return Settings.from_config(load_config(project.resolve()))


def _filled(options: Any, given: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return {**{o.name: o.default for o in options}, **dict(given or {})}


def context(settings: Settings, env: Environment) -> DeployContext:
    return DeployContext(
        project=settings.project,
        state_dir=envs.state_dir(settings.project, env.name),
        environment=env,
        health=settings.health,
        options=settings.deploy,
        container=settings.container,
        scope=deploy_scope(settings),
    )


def who() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return os.environ.get("LOCKGATE_TRIGGERED_BY") or ("ci" if os.environ.get("CI") else user)


@dataclass(frozen=True)
class Source:
    """Where the version to deploy comes from."""

    commit: str | None
    branch: str | None
    version: str | None = None  # --version; default: the commit's tag


@dataclass
class Outcome:
    deployment: Deployment
    url: str
    seconds: float
    notes: list[str] = field(default_factory=list)


def deploy(
    settings: Settings,
    env: Environment,
    source: Source,
    records: Records,
    *,
    target: Target | None = None,
    build: bool = True,
    docs: Path | None = None,
) -> Outcome:
    """Deploy the project at `source` to `env`; raise LockgateError (recorded) when it fails.

    `docs`: a built docs site the container target serves beside the release under /docs/."""
    target = target or TARGETS[str(settings.deploy["target"])]()
    ctx = replace(context(settings, env), docs=docs)
    if docs is None and settings.publish_docs:
        ctx.notes.append(NO_DOCS_SITE)
    commit = source.commit
    dirty = commit is not None and is_dirty(settings.project)
    version = _version(settings, source, dirty, ctx)
    if env.kind == envs.PRODUCTION or env.requires or env.branches or env.require_passed_run:
        mismatch = _promotion_mismatch(records, settings, env, version, commit)
        refused = (mismatch, "check out that commit and deploy again") if mismatch else None
        refused = refused or envs.refusal(
            env,
            envs.Candidate(settings.service, version, commit, source.branch, dirty),
            records,
            settings.base_branch,
            settings.gates,
        )
        if refused is not None:
            raise LockgateError(
                f"refusing to deploy to '{env.name}': {refused[0]}", hint=refused[1]
            )
    with EnvLock(ctx.state_dir, env.name) as lock:
        if lock.note:
            ctx.notes.append(lock.note)
        _close_orphans(records, ctx)
        started = datetime.now(UTC)
        base = Deployment(
            settings.service,
            env.name,
            version,
            commit,
            None,
            started,
            DeploymentStatus.IN_PROGRESS,
            who(),
        )
        why_plan = target.plan_only(ctx)
        if why_plan is not None:
            return _plan(settings, ctx, target, base, why_plan)
        # recorded before the build: a crash from here on leaves an in-progress record that the
        # next deploy marks failed, never no record at all
        dep_id = records.add_deployment(base)
        try:
            target.check(ctx)
            release = _release(settings, ctx, version, commit, build, records)
        except BaseException as exc:
            records.finish_deployment(dep_id, DeploymentStatus.FAILED, datetime.now(UTC), _why(exc))
            raise
        records.set_deployment_image(dep_id, release.image_digest)
        return _go(settings, ctx, target, records, base, release, dep_id=dep_id)


def _version(settings: Settings, source: Source, dirty: bool, ctx: DeployContext) -> str:
    """The version to record: --version, else the commit's tag. A build of uncommitted changes
    never carries a clean version's name: `--version 2.0` from a dirty tree becomes
    `2.0-dirty-<digest>`, so it can never be promoted as 2.0."""
    if source.version is None:
        return source_tag(settings.project, source.commit)
    if not dirty:
        return source.version
    version = source.version + dirty_suffix(settings.project)
    ctx.notes.append(
        f"the working tree has uncommitted changes: recorded as version {version}, "
        f"not {source.version} (commit them to deploy {source.version})"
    )
    return version


ORPHAN_DETAIL = "the deploying process died before it finished (found by the next deploy)"


def _close_orphans(records: Records, ctx: DeployContext) -> None:
    """Deployments whose process is gone become failed, with a finish time and the reason."""
    ids = records.mark_orphan_deployments_failed()
    now = datetime.now(UTC)
    for dep_id in ids:
        records.finish_deployment(dep_id, DeploymentStatus.FAILED, now, ORPHAN_DETAIL)
    if ids:
        listed = ", ".join(f"#{i}" for i in ids)
        ctx.notes.append(f"deployment {listed} never finished: its process died; marked failed")


def _plan(
    settings: Settings, ctx: DeployContext, target: Target, base: Deployment, why: str
) -> Outcome:
    """A deploy that only writes files (kubernetes without a context): done, but not recorded."""
    tag = f"{repository(settings.service, settings.container)}:{slug(base.version)}"
    live = target.deploy(ctx, Release(settings.service, base.version, tag, base.commit))
    finished = datetime.now(UTC)
    dep = replace(base, status=DeploymentStatus.SUCCEEDED, finished=finished, detail=why)
    return Outcome(dep, live.url, (finished - base.started).total_seconds(), [*ctx.notes, why])


def _promotion_mismatch(
    records: Records, settings: Settings, env: Environment, version: str, commit: str | None
) -> str | None:
    requires = env.requires or ("staging",)
    src = envs.promotion_source(records, settings.service, version, requires)
    if src is not None and src.commit and commit and src.commit != commit:
        return (
            f"version {version} was deployed to '{src.environment}' from commit "
            f"{src.commit[:12]}, but the checkout is at {commit[:12]}; check out that commit"
        )
    return None


def _release(
    settings: Settings,
    ctx: DeployContext,
    version: str,
    commit: str | None,
    build: bool,
    records: envs.History,
) -> Release:
    image = f"{repository(settings.service, settings.container)}:{slug(version)}"
    if not build or (settings.deploy["target"] == "command" and not _has_containerfile(settings)):
        return Release(settings.service, version, image, commit)
    promoting = ctx.environment.kind == envs.PRODUCTION or bool(ctx.environment.requires)
    if promoting and settings.deploy["target"] == "container":
        staged = _staged_image(settings, ctx.environment, version, image, records)
        if staged is not None:
            return staged
    built = build_image(
        BuildRequest(
            project=settings.project,
            service=settings.service,
            out_dir=ctx.state_dir / "build",
            container=settings.container,
            health_path=ctx.health.path,
            commit=commit,
            version=version,
            scope=deploy_scope(settings),
        )
    )
    # a local engine runs the image just built by its id: another checkout of the service may
    # move the tag meanwhile; a cluster or a team's command needs the tag
    local = settings.deploy["target"] == "container"
    image = pinned(built.ref, built.digest) if local else built.ref
    return Release(settings.service, version, image, commit, built.digest)


def pinned(repo_tag: str, digest: str | None) -> str:
    """The exact image a deployment ran: its recorded id (`sha256:...`, which every engine runs,
    even after the tag moved on), else the tag."""
    return digest if digest and digest.startswith("sha256:") else repo_tag


def _staged_image(
    settings: Settings, env: Environment, version: str, image: str, records: envs.History
) -> Release | None:
    """The very image that passed the required environments, when it is still on this machine
    (promotion ships that artifact instead of building a new one)."""
    src = envs.promotion_source(records, settings.service, version, env.requires or ("staging",))
    if src is None or not src.image_digest:
        return None
    ref = pinned(image, src.image_digest)
    try:
        eng = engines.detect(str(settings.container.get("engine", "auto")))
    except LockgateError:
        return None
    if not eng.image_exists(ref):
        return None
    return Release(settings.service, version, ref, src.commit, src.image_digest)


def _has_containerfile(settings: Settings) -> bool:
    return any((settings.project / n).is_file() for n in ("Containerfile", "Dockerfile"))


def _why(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return str(getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}")[:2000]


def _go(
    settings: Settings,
    ctx: DeployContext,
    target: Target,
    records: Records,
    base: Deployment,
    release: Release,
    *,
    replaces: Deployment | None = None,
    dep_id: int | None = None,
) -> Outcome:
    """Switch to `release`; `dep_id` is the in-progress record when the caller already wrote it."""
    dep = Deployment(
        base.service,
        base.environment,
        release.version,
        release.commit,
        release.image_digest,
        base.started,
        DeploymentStatus.IN_PROGRESS,
        base.triggered_by,
        detail=base.detail,
    )
    if dep_id is None:
        dep_id = records.add_deployment(dep)
    envs.write_record(ctx.state_dir, ctx.environment)
    switch = _Switch(records, dep_id, replaces)
    try:
        live = target.deploy(replace(ctx, switched=switch), release)
    except DeployFailed as exc:
        if switch.at is not None:  # live already: the failure is the old release's clean-up
            raise LockgateError(f"after the switch: {exc.message}", hint=exc.hint) from exc
        records.finish_deployment(
            dep_id, DeploymentStatus.FAILED, datetime.now(UTC), exc.message[:2000]
        )
        raise LockgateError(
            f"deploy to '{ctx.environment.name}' failed: {exc.message}",
            hint=exc.hint or "the environment still serves the previous release",
            exit_code=ExitCode.GATE_FAILED,
        ) from exc
    except BaseException as exc:
        if switch.at is None:  # after the switch the release is live: it stays succeeded
            records.finish_deployment(dep_id, DeploymentStatus.FAILED, datetime.now(UTC), _why(exc))
        raise
    finished = switch.at or datetime.now(UTC)
    switch(live)  # targets without a separate switch go live when deploy returns
    records.finish_deployment(dep_id, DeploymentStatus.SUCCEEDED, finished, live.detail)
    done = Deployment(
        dep.service,
        dep.environment,
        dep.version,
        dep.commit,
        dep.image_digest,
        dep.started,
        DeploymentStatus.SUCCEEDED,
        dep.triggered_by,
        finished,
        dep_id,
    )
    return Outcome(done, live.url, (finished - base.started).total_seconds(), ctx.notes)


class _Switch:
    """Records a deployment succeeded the moment its release goes live (before the old one is
    drained), and the deployment it replaces rolled back: a crash while draining never leaves
    the live release recorded failed."""

    def __init__(self, records: Records, dep_id: int, replaces: Deployment | None) -> None:
        self.records, self.dep_id, self.replaces = records, dep_id, replaces
        self.at: datetime | None = None

    def __call__(self, live: Live) -> None:
        if self.at is not None:
            return
        self.at = datetime.now(UTC)
        self.records.finish_deployment(
            self.dep_id, DeploymentStatus.SUCCEEDED, self.at, live.detail
        )
        old = self.replaces
        if old is not None and old.id is not None:
            self.records.finish_deployment(
                old.id,
                DeploymentStatus.ROLLED_BACK,
                old.finished or self.at,
                f"rolled back by #{self.dep_id}",
            )


def rollback(
    settings: Settings, env: Environment, records: Records, *, target: Target | None = None
) -> Outcome:
    """Go back to the previous good version; the replaced deployment becomes rolled_back."""
    target = target or TARGETS[str(settings.deploy["target"])]()
    ctx = context(settings, env)
    if settings.publish_docs:
        ctx.notes.append(NO_DOCS_SITE)
    with EnvLock(ctx.state_dir, env.name, action="rollback") as lock:
        if lock.note:
            ctx.notes.append(lock.note)
        _close_orphans(records, ctx)
        current, previous = _current_and_previous(records, settings.service, env.name)
        target.check(ctx)
        tag = f"{repository(settings.service, settings.container)}:{slug(previous.version)}"
        # a local engine runs the exact image by id; a cluster or a team's command needs the tag
        image = pinned(tag, previous.image_digest) if target.name == "container" else tag
        release = Release(
            settings.service, previous.version, image, previous.commit, previous.image_digest
        )
        base = Deployment(
            settings.service,
            env.name,
            previous.version,
            previous.commit,
            previous.image_digest,
            datetime.now(UTC),
            DeploymentStatus.IN_PROGRESS,
            who(),
            detail=f"rollback of #{current.id} ({current.version})",
        )
        return _go(settings, ctx, target, records, base, release, replaces=current)


def _current_and_previous(
    records: Records, service: str, env: str
) -> tuple[Deployment, Deployment]:
    good = [
        d
        for d in records.deployments(service=service, environment=env, limit=500)
        if d.status is DeploymentStatus.SUCCEEDED
    ]
    if not good:
        raise LockgateError(
            f"nothing to roll back: '{env}' has no succeeded deployment",
            hint="deploy first: lockgate deploy " + env,
        )
    current = good[0]
    for dep in good[1:]:
        if dep.version != current.version:
            return current, dep
    raise LockgateError(
        f"nothing to roll back to: '{env}' has had no good version before {current.version}",
        hint="deploy the version you want with `lockgate deploy ENV --version V`",
    )

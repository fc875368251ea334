"""The jobs of a CI export, derived from the stage registry and the project's config.

Each enabled stage is one job; its `needs` (from `engine.graph.build_plan`) are the job's
dependencies, so stages that need nothing run as parallel jobs. A policy job checks the config
against the org policy; a production job, gated by the CI system's approval, deploys the base
branch when the project deploys at all. With a team server configured (`[server] url`), every
run and the production deploy pass `--report-to` it; the token comes from the CI system's secret
store as $LOCKGATE_TOKEN.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lockgate import __version__
from lockgate.ci.tools import digest, install_command, tools_of

if TYPE_CHECKING:
    from lockgate.stages.interface import Stage

PYTHON_VERSION = "3.11"
CACHE_DIR = ".lockgate/cache"  # cached per job, with the tools' venvs (TOOLS_DIR)
REPORTS_DIR = "lockgate-reports"
POLICY_JOB = "policy"
PRODUCTION_JOB = "production"


@dataclass(frozen=True)
class Job:
    name: str
    needs: tuple[str, ...]
    command: str  # the one shell command the job runs after installing lockgate
    reports: str | None  # the folder lockgate writes this job's reports to (SARIF, JUnit, ...)
    tools: tuple[str, ...] = ()  # scanners installed first, pinned (lockgate.ci.tools)

    @property
    def install_tools(self) -> tuple[str, ...]:
        return tuple(install_command(t) for t in self.tools)

    @property
    def cache_key(self) -> str:
        """Prefix of the job's cache key: its stage and the digest of its pinned tools."""
        return f"lockgate-{self.name}-{digest(self.name)}-"


@dataclass(frozen=True)
class Pipeline:
    project: str
    base_branch: str
    lockgate_version: str  # pinned: every job installs exactly this version
    python_version: str
    jobs: tuple[Job, ...]
    production: Job | None  # deploys the base branch after an approval; None: nothing deploys
    server: str | None = None  # the team server the runs and deployments report to

    @property
    def install(self) -> str:
        return f"python -m pip install lockgate=={self.lockgate_version}"


def pipeline_for(root: Path, stages: Mapping[str, type[Stage]] | None = None) -> Pipeline:
    """The pipeline of the project at `root`: its enabled stages in plan order, then production.

    `stages` defaults to every registered stage (built-ins and plugins).
    """
    from lockgate.config.loader import load_config
    from lockgate.engine.graph import build_plan
    from lockgate.stages.registry import all_stages

    stages = all_stages() if stages is None else stages
    config = load_config(root, stages)
    disabled = [n for n, s in config.stages.items() if not s.enabled]
    plan = build_plan(stages, disabled=disabled)
    server = _server(config.sections.get("server", {}).get("url"))
    report_to = f" --report-to {shlex.quote(server)}" if server else ""
    jobs = [Job(POLICY_JOB, (), "lockgate config check", None)]
    for name in plan.order:
        reports = f"{REPORTS_DIR}/{name}"
        command = f"lockgate run --only {name} --report-dir {reports}{report_to}"
        jobs.append(Job(name, plan.needs[name], command, reports, tools_of(name)))
    production = None
    if "deploy" in plan.order:
        after = tuple(n for n in plan.order if "deploy" in (n, *plan.needs[n]))
        last = tuple(n for n in after if not any(n in plan.needs[m] for m in after))
        production = Job(PRODUCTION_JOB, last, f"lockgate deploy production{report_to}", None)
    return Pipeline(
        project=config.project.name,
        base_branch=config.project.base_branch,
        lockgate_version=__version__,
        python_version=PYTHON_VERSION,
        jobs=tuple(jobs),
        production=production,
        server=server,
    )


def _server(url: str | None) -> str | None:
    from lockgate.client.server import server_url

    return server_url(url) if url else None

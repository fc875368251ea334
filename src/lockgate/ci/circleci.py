"""CircleCI: one job per stage, `requires` from the stages' needs, JUnit stored for the test tab,
reports as artifacts, and an approval job before production."""

from __future__ import annotations

from typing import Any

from lockgate.ci.pipeline import CACHE_DIR, Job, Pipeline
from lockgate.ci.tools import TOOLS_DIR, TOOLS_DIR_ENV

NOTE = "# Production deploys wait for someone to approve the hold-production job."
TOKEN_NOTE = (
    "# Runs and deployments are reported to {server}.\n"
    "# Add its token as the project environment variable LOCKGATE_TOKEN (Project Settings > Environment\n"
    "# Variables)."
)
APPROVAL = "hold-production"
WORKDIR = "/home/circleci/project"  # the cimg images' default working directory


def render(pipeline: Pipeline) -> dict[str, Any]:
    image = [{"image": f"cimg/python:{pipeline.python_version}"}]
    env = {TOOLS_DIR_ENV: f"{WORKDIR}/{TOOLS_DIR}"}
    jobs = {
        job.name: {"docker": image, "environment": env, "steps": _steps(pipeline, job)}
        for job in pipeline.jobs
    }
    flow: list[Any] = [_entry(job.name, list(job.needs)) for job in pipeline.jobs]
    production = pipeline.production
    if production is not None:
        jobs[production.name] = {"docker": image, "steps": _steps(pipeline, production)}
        only = {"branches": {"only": [pipeline.base_branch]}}
        flow.append(
            {APPROVAL: {"type": "approval", "requires": list(production.needs), "filters": only}}
        )
        flow.append({production.name: {"requires": [APPROVAL], "filters": only}})
    return {"version": 2.1, "jobs": jobs, "workflows": {"lockgate": {"jobs": flow}}}


def _entry(name: str, requires: list[str]) -> Any:
    return {name: {"requires": requires}} if requires else name


def _steps(pipeline: Pipeline, job: Job) -> list[Any]:
    install = {"run": {"name": "Install lockgate", "command": pipeline.install}}
    main = {"run": {"name": f"lockgate {job.name}", "command": job.command}}
    if job.reports is None:
        return ["checkout", install, main]
    key = job.cache_key
    tools = [{"run": {"name": "Install pinned tools", "command": "\n".join(job.install_tools)}}]
    paths = [CACHE_DIR, TOOLS_DIR]
    return [
        "checkout",
        {"restore_cache": {"keys": [key + "{{ .Revision }}", key]}},
        install,
        *(tools if job.tools else []),
        main,
        {"save_cache": {"key": key + "{{ .Revision }}", "paths": paths, "when": "always"}},
        {"store_test_results": {"path": job.reports}},
        {"store_artifacts": {"path": job.reports, "destination": job.name}},
    ]

"""GitLab CI: one job per stage linked by `needs`, JUnit and Code Quality report artifacts (and
the SAST, secret detection and dependency scanning reports on those stages' jobs), the cache
directory cached per job, and a manual `production` job with its environment."""

from __future__ import annotations

from typing import Any

from lockgate.ci.pipeline import CACHE_DIR, Job, Pipeline
from lockgate.ci.tools import TOOLS_DIR, TOOLS_DIR_ENV
from lockgate.reports.gitlab_security import REPORTS

CODE_QUALITY = "gl-code-quality-report.json"  # lockgate.reports.gitlab_codequality writes it
SECURITY = {r.stage: (r.kind.value, r.filename) for r in REPORTS}  # ...gitlab_security writes them
TOKEN_NOTE = (
    "# Runs and deployments are reported to {server}.\n"
    "# Add its token as the masked CI/CD variable LOCKGATE_TOKEN (Settings > CI/CD > Variables)."
)

NOTE = "# Production deploys are a manual job on the base branch (environment: production)."
STAGE = "lockgate"
PRODUCTION_STAGE = "production"


def render(pipeline: Pipeline) -> dict[str, Any]:
    stages = [STAGE] + ([PRODUCTION_STAGE] if pipeline.production is not None else [])
    out: dict[str, Any] = {
        "stages": stages,
        "default": {"image": f"python:{pipeline.python_version}-bookworm"},
        "variables": {
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "GIT_DEPTH": "0",
            TOOLS_DIR_ENV: f"$CI_PROJECT_DIR/{TOOLS_DIR}",
        },
    }
    for job in pipeline.jobs:
        out[job.name] = _job(pipeline, job)
    if pipeline.production is not None:
        out[pipeline.production.name] = _production(pipeline, pipeline.production)
    return out


def _job(pipeline: Pipeline, job: Job) -> dict[str, Any]:
    out: dict[str, Any] = {
        "stage": STAGE,
        "needs": list(job.needs),
        "script": [pipeline.install, *job.install_tools, job.command],
    }
    if job.reports is not None:
        out["after_script"] = [f"python -m lockgate.ci.gitlab_reports {job.reports} || true"]
        out["cache"] = {
            "key": job.cache_key.rstrip("-"),
            "paths": [f"{CACHE_DIR}/", f"{TOOLS_DIR}/"],
        }
        out["artifacts"] = {
            "when": "always",
            "paths": [f"{job.reports}/"],
            "reports": {
                "junit": f"{job.reports}/junit.xml",
                "codequality": f"{job.reports}/{CODE_QUALITY}",
            },
        }
        if job.name in SECURITY:
            kind, filename = SECURITY[job.name]
            out["artifacts"]["reports"][kind] = f"{job.reports}/{filename}"
    return out


def _production(pipeline: Pipeline, job: Job) -> dict[str, Any]:
    return {
        "stage": PRODUCTION_STAGE,
        "needs": list(job.needs),
        "environment": {"name": "production"},
        "resource_group": "production",
        "rules": [{"if": f'$CI_COMMIT_BRANCH == "{pipeline.base_branch}"', "when": "manual"}],
        "script": [pipeline.install, job.command],
    }

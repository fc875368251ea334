"""GitHub Actions: one job per stage, SARIF to code scanning, JUnit in the step summary,
a `production` environment (its required reviewers are set in the repository's settings)."""

from __future__ import annotations

from typing import Any

from lockgate.ci.pipeline import CACHE_DIR, Job, Pipeline
from lockgate.ci.tools import TOOLS_DIR, TOOLS_DIR_ENV

NOTE = (
    "# Production deploys wait for the `production` environment's required reviewers: set them in\n"
    "# the repository's Settings > Environments > production > Required reviewers."
)
TOKEN_NOTE = (
    "# Runs and deployments are reported to {server}.\n"
    "# Add its token as the repository secret LOCKGATE_TOKEN (Settings > Secrets and variables > Actions)."
)
TOKEN_ENV = {"LOCKGATE_TOKEN": "${{ secrets.LOCKGATE_TOKEN }}"}  # only the steps that report
RUNNER = "ubuntu-24.04"
CHECKOUT = "actions/checkout@v4"
SETUP_PYTHON = "actions/setup-python@v5"
CACHE = "actions/cache@v4"
UPLOAD_SARIF = "github/codeql-action/upload-sarif@v3"
UPLOAD_ARTIFACT = "actions/upload-artifact@v4"


def render(pipeline: Pipeline) -> dict[str, Any]:
    jobs = {job.name: _job(pipeline, job) for job in pipeline.jobs}
    if pipeline.production is not None:
        jobs[pipeline.production.name] = _production(pipeline, pipeline.production)
    return {
        "name": "lockgate",
        "on": {"push": {"branches": [pipeline.base_branch]}, "pull_request": {}},
        "permissions": {"contents": "read"},
        "env": {TOOLS_DIR_ENV: f"${{{{ github.workspace }}}}/{TOOLS_DIR}"},
        "jobs": jobs,
    }


def _setup(pipeline: Pipeline) -> list[dict[str, Any]]:
    return [
        {"uses": CHECKOUT, "with": {"fetch-depth": 0}},
        {"uses": SETUP_PYTHON, "with": {"python-version": pipeline.python_version}},
        {"name": "Install lockgate", "run": pipeline.install},
    ]


def _job(pipeline: Pipeline, job: Job) -> dict[str, Any]:
    out: dict[str, Any] = {"runs-on": RUNNER}
    if job.needs:
        out["needs"] = list(job.needs)
    if job.reports is None:
        out["steps"] = [*_setup(pipeline), {"name": job.name, "run": job.command}]
        return out
    out["permissions"] = {"contents": "read", "actions": "read", "security-events": "write"}
    sarif, junit = f"{job.reports}/lockgate.sarif", f"{job.reports}/junit.xml"
    cache = {
        "uses": CACHE,
        "with": {
            "path": f"{CACHE_DIR}\n{TOOLS_DIR}",
            "key": f"{job.cache_key}${{{{ github.sha }}}}",
            "restore-keys": job.cache_key,
        },
    }
    setup = _setup(pipeline)
    tools = [{"name": "Install pinned tools", "run": "\n".join(job.install_tools)}]
    out["steps"] = [
        *setup[:2],
        cache,
        setup[2],
        *(tools if job.tools else []),
        _reporting(pipeline, {"name": f"lockgate {job.name}", "run": job.command}),
        {
            "name": "Upload SARIF to code scanning",
            "if": f"always() && hashFiles('{sarif}') != ''",
            "uses": UPLOAD_SARIF,
            "with": {"sarif_file": sarif, "category": f"lockgate-{job.name}"},
        },
        {
            "name": "Summarise JUnit",
            "if": f"always() && hashFiles('{junit}') != ''",
            "run": f'python -m lockgate.ci.junit_summary {junit} >> "$GITHUB_STEP_SUMMARY"',
        },
        {
            "name": "Keep the reports",
            "if": "always()",
            "uses": UPLOAD_ARTIFACT,
            "with": {
                "name": f"lockgate-{job.name}",
                "path": job.reports,
                "if-no-files-found": "ignore",
            },
        },
    ]
    return out


def _production(pipeline: Pipeline, job: Job) -> dict[str, Any]:
    return {
        "runs-on": RUNNER,
        "needs": list(job.needs),
        "if": f"github.event_name == 'push' && github.ref == 'refs/heads/{pipeline.base_branch}'",
        "environment": {"name": "production"},
        "concurrency": {"group": "production", "cancel-in-progress": False},
        "steps": [
            *_setup(pipeline),
            _reporting(pipeline, {"name": "Deploy to production", "run": job.command}),
        ],
    }


def _reporting(pipeline: Pipeline, step: dict[str, Any]) -> dict[str, Any]:
    """`step` with the team server's token from the repository's secrets, when it reports."""
    return step | {"env": dict(TOKEN_ENV)} if pipeline.server else step

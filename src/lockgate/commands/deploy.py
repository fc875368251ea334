"""`lockgate deploy ENV`: build the service's image and deploy it, health-checked and recorded."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from lockgate.cli.argtypes import server_address
from lockgate.deploy import environments as envs
from lockgate.deploy.flow import Source, deploy, load_settings
from lockgate.errors import LockgateError
from lockgate.gitinfo import read_git
from lockgate.model import Deployment, DeploymentStatus
from lockgate.store.repository import Store


class _Intermixed(argparse.ArgumentParser):
    """Accepts `deploy ENV --version V PATH` (options between the positionals)."""

    _mixing = False

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        if self._mixing:
            return super().parse_known_args(args, namespace)
        self._mixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._mixing = False


def add_parser(sub: Any) -> None:
    p = sub.add_parser("deploy", help="build and deploy the service to an environment")
    p.__class__ = _Intermixed
    p.add_argument(
        "environment",
        metavar="ENV",
        help="a declared environment (review = review-<branch>, staging, production)",
    )
    p.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    p.add_argument("--version", help="version to deploy (default: the commit's short sha)")
    p.add_argument(
        "--report-to",
        type=server_address,
        default=None,
        metavar="URL",
        help="also send the deployment, succeeded or failed, to this lockgate server (team mode; "
        "token from $LOCKGATE_TOKEN; default: [server] url); kept for `lockgate sync` when the "
        "server cannot be reached",
    )
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    project = Path(args.path).resolve()
    settings = load_settings(project)
    git = read_git(project, settings.base_branch)
    env = envs.resolve(args.environment, settings.environments, git.branch)
    server = _server(args.report_to, project)
    with Store.open(project) as store:
        before = {d.id for d in store.deployments(settings.service, env.name, limit=10)}
        try:
            out = deploy(settings, env, Source(git.commit, git.branch, args.version), store)
        except LockgateError:  # a failed deployment counts too (change failure rate)
            failed = _new_finished(store, settings.service, env.name, before)
            if server is not None and failed is not None:
                _report_to(server, project, failed)
            raise
    for note in out.notes:
        print(f"note: {note}")
    dep = out.deployment
    if dep.id is None:
        print(f"nothing deployed to {env.name} (not recorded): {dep.detail}")
        return 0
    print(
        f"deployed {settings.service} {dep.version} to {env.name} in {out.seconds:.1f}s: "
        f"{out.url} (deployment #{dep.id})"
    )
    if server is not None:
        _report_to(server, project, dep)
    return 0


def _server(given: str | None, project: Path) -> str | None:
    """--report-to, else [server] url, else None (the client is imported only when needed)."""
    if given is not None:
        return given
    from lockgate import client

    server = client.configured_server(project)
    note = None if server is None else client.unsent_note(server, explicit=False)
    if note is not None:
        print(note, file=sys.stderr)
        return None
    return server


def _new_finished(
    store: Store, service: str, env: str, before: set[int | None]
) -> Deployment | None:
    """The deployment this command recorded, once finished (a deploy refused before it started
    records none)."""
    for dep in store.deployments(service, env, limit=10):
        if dep.id not in before and dep.status is not DeploymentStatus.IN_PROGRESS:
            return dep
    return None


def _report_to(server: str, project: Path, dep: Deployment) -> None:
    """Send the deployment to the team server; the command's outcome and exit code stay."""
    from lockgate import client
    from lockgate.client.payloads import deployment_record

    for warning in client.warnings_for(server):
        print(warning, file=sys.stderr)
    sent = client.report(project, deployment_record(dep, server))
    print(sent.message, file=sys.stdout if sent.delivered else sys.stderr)

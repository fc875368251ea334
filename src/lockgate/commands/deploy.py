"""`lockgate deploy ENV`: build the service's image and deploy it, health-checked and recorded."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lockgate.deploy import environments as envs
from lockgate.deploy.flow import Source, deploy, load_settings
from lockgate.gitinfo import read_git
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
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    project = Path(args.path).resolve()
    settings = load_settings(project)
    git = read_git(project, settings.base_branch)
    env = envs.resolve(args.environment, settings.environments, git.branch)
    with Store.open(project) as store:
        out = deploy(settings, env, Source(git.commit, git.branch, args.version), store)
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
    return 0

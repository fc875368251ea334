"""`lockgate rollback ENV`: back to the previous good version, recorded as a deployment of its own."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lockgate.deploy import environments as envs
from lockgate.deploy.flow import load_settings, rollback
from lockgate.gitinfo import read_git
from lockgate.store.repository import Store


def add_parser(sub: Any) -> None:
    p = sub.add_parser("rollback", help="put the previous good version back in an environment")
    p.add_argument("environment", metavar="ENV", help="the environment to roll back")
    p.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    project = Path(args.path).resolve()
    settings = load_settings(project)
    git = read_git(project, settings.base_branch)
    env = envs.resolve(args.environment, settings.environments, git.branch)
    with Store.open(project) as store:
        out = rollback(settings, env, store)
    for note in out.notes:
        print(f"note: {note}")
    print(
        f"rolled {env.name} back to {out.deployment.version} in {out.seconds:.1f}s: {out.url} "
        f"(deployment #{out.deployment.id})"
    )
    return 0

"""`lockgate env list|prune`: the environments, their URL, version and age; remove stale review ones."""

from __future__ import annotations

import argparse
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lockgate.deploy import environments as envs
from lockgate.deploy.flow import TARGETS, context, load_settings
from lockgate.deploy.lock import EnvLock
from lockgate.deploy.overview import overview, render_rows
from lockgate.store.repository import Store


def add_parser(sub: Any) -> None:
    p = sub.add_parser("env", help="list environments, prune review environments")
    actions = p.add_subparsers(dest="env_action", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="each environment, its URL, version and age")
    ls.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    pr = actions.add_parser("prune", help="remove review environments past their TTL or branch")
    pr.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    pr.add_argument("--dry-run", action="store_true", help="only say what would be removed")
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    project = Path(args.path).resolve()
    settings = load_settings(project)
    if args.env_action == "list":
        with Store.open(project) as store:
            rows = overview(settings, store)
        print(render_rows(rows, ("environment", "url", "version", "since", "age", "state")))
        return 0
    return _prune(settings, dry_run=args.dry_run)


def _prune(settings: Any, *, dry_run: bool) -> int:
    now = datetime.now(UTC)
    ttl = float(settings.deploy["review_ttl_hours"])
    target = TARGETS[str(settings.deploy["target"])]()
    removed = 0
    for rec in envs.existing(settings.project):
        why = envs.prune_reason(settings.project, rec, ttl, now)
        if why is None:
            continue
        print(f"{'would remove' if dry_run else 'removing'} {rec.name}: {why}")
        if dry_run:
            continue
        env = envs.resolve(rec.name, settings.environments, None)
        ctx = context(settings, env)
        with EnvLock(ctx.state_dir, env.name, action="prune"):
            target.remove(ctx)
        shutil.rmtree(ctx.state_dir, ignore_errors=True)
        removed += 1
    print(f"{removed} environment(s) removed" if not dry_run else "dry run: nothing removed")
    return 0

"""`lockgate env list|prune`: the environments, their URL, version and age; remove stale review ones."""

from __future__ import annotations

import argparse
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lockgate.deploy import engine as engines
from lockgate.deploy import environments as envs
from lockgate.deploy import images
from lockgate.deploy.flow import TARGETS, Settings, context, load_settings
from lockgate.deploy.image import repository
from lockgate.deploy.lock import EnvLock
from lockgate.deploy.overview import overview, render_rows
from lockgate.deploy.scope import deploy_scope
from lockgate.errors import LockgateError
from lockgate.store.repository import Store


def add_parser(sub: Any) -> None:
    p = sub.add_parser("env", help="list environments, prune review environments")
    actions = p.add_subparsers(dest="env_action", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="each environment, its URL, version and age")
    ls.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    pr = actions.add_parser(
        "prune",
        help="remove review environments past their TTL or branch, and images no environment "
        "uses any more",
    )
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


def _prune(settings: Settings, *, dry_run: bool) -> int:
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
    _prune_images(settings, dry_run=dry_run)
    return 0


def _prune_images(settings: Settings, *, dry_run: bool) -> None:
    """Remove this project's images no environment uses any more, keeping the newest
    deploy.keep_images per environment for rollback; say how much space that freed."""
    try:
        eng = engines.detect(str(settings.container.get("engine", "auto")))
    except LockgateError as exc:
        print(f"images: none removed ({exc.message})")
        return
    repo = repository(settings.service, settings.container)
    keep = int(settings.deploy["keep_images"])
    with Store.open(settings.project) as store:
        deps = store.deployments(service=settings.service, limit=100_000)
    alive = [n for n in settings.environments if n != envs.REVIEW]
    alive += [r.name for r in envs.existing(settings.project)]
    kept = images.rollback_images(deps, alive, keep)
    todo = images.removable(
        images.local_images(eng, repo),
        deploy_scope(settings),
        deps,
        kept,
        images.running_images(eng),
    )
    removed, freed = 0, 0
    for image in todo:
        label = ", ".join(image.tags) or image.id[:12]
        if dry_run:
            print(f"would remove image {label}")
            continue
        done = images.remove(eng, image, repo)
        if done is None:
            print(f"kept image {label}: it is tagged outside {repo} or still in use")
            continue
        removed, freed = removed + 1, freed + done.freed
    verb = "would remove" if dry_run else "removed"
    count = len(todo) if dry_run else removed
    print(
        f"{verb} {count} image(s) no environment uses any more"
        + ("" if dry_run else f", {images.human(freed)} freed")
        + f" (kept the newest {keep} per environment for rollback)"
    )

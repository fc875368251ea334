"""`lockgate baseline update`: accept the latest run's findings as known (new_only gating)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lockgate.config.loader import load_config
from lockgate.engine.baseline import write_file
from lockgate.errors import LockgateError
from lockgate.identity import project_identity
from lockgate.store.repository import Store


def add_parser(sub: Any) -> None:
    p = sub.add_parser("baseline", help="manage the committed baseline of known findings")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    update = actions.add_parser(
        "update", help="accept the findings of the latest run as known (.lockgate/baseline.json)"
    )
    update.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    update.add_argument(
        "--run", default=None, metavar="RUN_ID", help="use this run, not the latest"
    )
    update.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    root = Path(args.path).resolve()
    store = Store.open_existing(root)
    if store is None:
        raise _nothing_recorded()
    config = load_config(root)
    project = config.project.name
    key = project_identity(root, config.project.id, project).key
    with store:
        run = store.get_run(args.run or _latest(store, project, key))
    if run.project != project or run.project_key not in (None, key):
        raise LockgateError(
            f"run {run.id} is of project '{run.project}', not '{project}'",
            hint="pick one of this project's runs from `lockgate history`",
        )
    path = write_file(root, run)
    count = sum(len(r.findings) for r in run.results)
    print(f"baseline: {count} finding(s) of run {run.id} accepted as known in {path}")
    print("commit it so CI gates only on new findings; every entry is visible in the reports")
    return 0


def _latest(store: Store, project: str, key: str) -> str:
    runs = store.list_runs(project=project, key=key, limit=1)  # a team store holds many projects
    if not runs:
        raise _nothing_recorded()
    return runs[0].id


def _nothing_recorded() -> LockgateError:
    return LockgateError(
        "no run recorded yet, so there is nothing to accept",
        hint="run `lockgate run` first, then `lockgate baseline update`",
    )

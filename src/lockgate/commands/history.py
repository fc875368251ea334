"""`lockgate history`: past runs of a project from the store (its runs only, in a shared store)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lockgate.cli.argtypes import positive_int


def add_parser(sub: Any) -> None:
    p = sub.add_parser("history", help="past runs of a project")
    p.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    p.add_argument("--limit", type=positive_int, default=20, help="how many runs (default: 20)")
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    from lockgate.config.loader import load_config
    from lockgate.identity import project_identity
    from lockgate.reports.text import clean
    from lockgate.store.repository import Store

    root = Path(args.path).resolve()
    store = Store.open_existing(root)
    if store is None:
        print("no runs recorded yet; start one with `lockgate run`")
        return 0
    config = load_config(root)
    identity = project_identity(root, config.project.id, config.project.name)
    with store:  # a team store holds every project's runs: show this one's
        runs = store.list_runs(project=config.project.name, key=identity.key, limit=args.limit)
    # the key decides which runs are this project's: say which, so a shared store is no surprise
    print(clean(f"project {config.project.name}, identity {identity.describe()}"))
    if not runs:
        print("no runs recorded yet; start one with `lockgate run`")
        return 0
    print(f"{'run id':<24} {'status':<12} {'started (UTC)':<20} {'branch':<20} commit")
    for run in runs:
        started = run.started.strftime("%Y-%m-%d %H:%M:%S")
        commit = (run.commit or "")[:10]
        line = f"{run.id:<24} {run.status.value:<12} {started:<20} {run.branch or '-':<20} {commit}"
        print(clean(line))
    return 0

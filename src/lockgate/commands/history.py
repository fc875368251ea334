"""`lockgate history`: past runs of a project from the store."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lockgate.cli.argtypes import positive_int
from lockgate.config.loader import load_config
from lockgate.store.repository import Store


def add_parser(sub: Any) -> None:
    p = sub.add_parser("history", help="past runs of a project")
    p.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    p.add_argument("--limit", type=positive_int, default=20, help="how many runs (default: 20)")
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    root = Path(args.path).resolve()
    store = Store.open_existing(root)
    if store is None:
        runs = []
    else:
        with store:  # a team store holds every project's runs: show this one's
            runs = store.list_runs(project=load_config(root).project.name, limit=args.limit)
    if not runs:
        print("no runs recorded yet; start one with `lockgate run`")
        return 0
    print(f"{'run id':<24} {'status':<12} {'started (UTC)':<20} {'branch':<20} commit")
    for run in runs:
        started = run.started.strftime("%Y-%m-%d %H:%M:%S")
        commit = (run.commit or "")[:10]
        print(f"{run.id:<24} {run.status.value:<12} {started:<20} {run.branch or '-':<20} {commit}")
    return 0

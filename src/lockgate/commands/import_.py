"""`lockgate import git-tags|deployments|incidents`: history for the delivery metrics."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("import", help="import delivery history: git tags, deployments, incidents")
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    tags = kinds.add_parser(
        "git-tags",
        help="each matching tag is a production deployment (annotated: tagger date; "
        "lightweight: commit date)",
    )
    tags.add_argument("pattern", metavar="PATTERN", help="tag glob, quoted: 'v*'")
    tags.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    tags.set_defaults(func=execute_tags)
    for kind, what in (("deployments", "deployments"), ("incidents", "incidents")):
        q = kinds.add_parser(kind, help=f"{what} from a CSV or JSON file (columns in the README)")
        q.add_argument("file", metavar="FILE", help=".csv (header row) or .json (array of objects)")
        q.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
        q.set_defaults(func=execute_file)


def execute_tags(args: argparse.Namespace) -> int:
    from pathlib import Path

    from lockgate.config.loader import load_config
    from lockgate.metrics.gitlog import Repo
    from lockgate.metrics.imports import import_tags
    from lockgate.store.repository import Store

    root = Path(args.path).resolve()
    service = load_config(root).project.name
    with Store.open(root) as store:
        done = import_tags(store, Repo(root), service, args.pattern)
    _report(done, "deployment", f"from tags matching '{args.pattern}'")
    return 0


def execute_file(args: argparse.Namespace) -> int:
    from pathlib import Path

    from lockgate.config.loader import load_config
    from lockgate.metrics import imports
    from lockgate.metrics.gitlog import Repo
    from lockgate.store.repository import Store

    root = Path(args.path).resolve()
    own = load_config(root).project.name
    if args.kind == "deployments":
        rows = imports.read_deployments(Path(args.file))
    else:
        rows = imports.read_incidents(Path(args.file))
    with Store.open(root) as store:
        if args.kind == "deployments":
            done = imports.import_deployments(store, rows, own, Repo(root))
        else:
            done = imports.import_incidents(store, rows, own, Repo(root))
    _report(done, args.kind.rstrip("s"), f"from {args.file}")
    return 0


def _report(done: Any, noun: str, source: str) -> None:
    from lockgate.reports.text import clean

    services = ", ".join(clean(s) for s in done.services)
    print(f"imported {done.added} {noun}(s) {clean(source)} for {services}", end="")
    print(f"; {done.already} were imported before" if done.already else "")
    for note in done.notes:
        print(f"  ! {clean(note)}")
    print("see the four keys: lockgate metrics")

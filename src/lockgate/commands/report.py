"""`lockgate report RUN_ID --format ...`: re-render a stored run in any report format."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from lockgate.reports import FORMATS, render
from lockgate.store.repository import Store, unknown_run


def add_parser(sub: Any) -> None:
    p = sub.add_parser("report", help="print a stored run as html, sarif, junit, json or md")
    p.add_argument("run_id", help="a run id from `lockgate history`")
    p.add_argument(
        "--format", choices=sorted(FORMATS), default="md", help="output format (default: md)"
    )
    p.add_argument("--path", default=".", help="project folder (default: .)")
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    store = Store.open_existing(Path(args.path).resolve())
    if store is None:
        raise unknown_run(args.run_id)
    with store:
        run = store.get_run(args.run_id)
    sys.stdout.write(render(run, args.format))
    return 0

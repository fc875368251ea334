"""`lockgate status`: what runs where, which version, since when."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lockgate.deploy.flow import load_settings
from lockgate.deploy.overview import overview, render_rows
from lockgate.store.repository import Store


def add_parser(sub: Any) -> None:
    p = sub.add_parser("status", help="what runs in each environment, which version, since when")
    p.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    project = Path(args.path).resolve()
    settings = load_settings(project)
    with Store.open(project) as store:
        rows = overview(settings, store)
    print(render_rows(rows, ("environment", "version", "since", "url", "last deploy", "state")))
    return 0

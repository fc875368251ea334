"""`lockgate metrics`: DORA's four keys for a service, with the performance level of each report year."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import Any

from lockgate.metrics.cliargs import since_arg, until_arg

DEFAULT_DAYS = 90  # lockgate.metrics.model.DEFAULT_DAYS (not imported: keeps the CLI start light)


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "metrics", help="DORA's four keys from production deployments, commits and incidents"
    )
    p.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    p.add_argument("--service", help="a service in the store (default: the project's)")
    p.add_argument(
        "--since",
        type=since_arg,
        help=f"first day or time (default: {DEFAULT_DAYS} days before --until)",
    )
    p.add_argument("--until", type=until_arg, help="last day (included) or time (default: now)")
    p.add_argument(
        "--bands",
        type=int,
        metavar="YEAR",
        help="DORA report year whose levels the text shows (default: the newest; JSON has all)",
    )
    p.add_argument(
        "--json", action="store_true", help="print the JSON document (lockgate-metrics/1) only"
    )
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace, now: datetime | None = None) -> int:
    import json
    from pathlib import Path

    from lockgate.config.loader import load_config
    from lockgate.errors import LockgateError
    from lockgate.metrics import bands, render
    from lockgate.metrics.gitlog import Repo
    from lockgate.metrics.incidents import check_service
    from lockgate.metrics.model import Window
    from lockgate.metrics.report import service_keys
    from lockgate.store.repository import Store

    now = now or datetime.now(UTC)
    root = Path(args.path).resolve()
    own = load_config(root).project.name
    until = args.until or now
    since = args.since or until - timedelta(days=DEFAULT_DAYS)
    if since >= until:
        raise LockgateError(
            "--since must come before --until", hint="e.g. --since 2026-01-01 --until 2026-03-31"
        )
    year = args.bands or bands.years()[-1]
    if year not in bands.years():
        raise LockgateError(
            f"no DORA report year {year} in the bands data",
            hint="years: " + ", ".join(map(str, bands.years())),
        )
    window = Window(since, until)
    with Store.open(root) as store:
        service = args.service or own
        check_service(service, store.services(), own)
        keys = service_keys(store, service, window, now, Repo(root) if service == own else None)
    if args.json:
        print(json.dumps(render.to_json([keys], window, now, year), indent=2))
    else:
        print(render.to_text([keys], year), end="")
    return 0

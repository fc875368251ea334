"""`lockgate advisories sync`: fill the local OSV directory the deps stage reads offline."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from lockgate.deps.model import Ecosystem
from lockgate.deps.sources.local_dir import cache_root
from lockgate.deps.sync import DEFAULT_BUCKET_URL, sync


def add_parser(sub: Any) -> None:
    p = sub.add_parser("advisories", help="manage the local advisory database (OSV records)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = actions.add_parser("sync", help="download OSV's per-ecosystem exports into a directory")
    s.add_argument(
        "--ecosystem",
        action="append",
        choices=[e.value for e in Ecosystem],
        help="ecosystem to fetch (repeatable; default: all supported)",
    )
    s.add_argument(
        "--dest",
        type=Path,
        default=None,
        help="directory to fill (default: $LOCKGATE_ADVISORY_DB, else the user cache)",
    )
    s.add_argument(
        "--url",
        default=os.environ.get("LOCKGATE_OSV_BUCKET_URL", DEFAULT_BUCKET_URL),
        help="base URL of the OSV exports (default: $LOCKGATE_OSV_BUCKET_URL or OSV's bucket)",
    )
    s.add_argument("--timeout", type=float, default=30.0, help="seconds per download (default 30)")
    s.set_defaults(func=execute)


def default_dest() -> Path:
    env = os.environ.get("LOCKGATE_ADVISORY_DB", "").split(os.pathsep)[0]
    return Path(env) if env else cache_root() / "osv"


def execute(args: argparse.Namespace) -> int:
    ecosystems = [Ecosystem(e) for e in args.ecosystem] if args.ecosystem else list(Ecosystem)
    dest = (args.dest or default_dest()).resolve()
    report = sync(ecosystems, dest, args.url, args.timeout)
    for eco, count in report.records.items():
        print(f"{eco}: {count} records")
    print(
        f"advisory data in {report.dest} (synced {report.synced_at}); "
        f"point [deps] advisory_db or $LOCKGATE_ADVISORY_DB at it"
    )
    return 0

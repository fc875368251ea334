"""`lockgate advisories sync`: fill the local OSV directory the deps stage reads offline."""

from __future__ import annotations

import argparse
import os
import urllib.parse
from pathlib import Path
from typing import Any

from lockgate.cli.argtypes import folder_path, positive_seconds
from lockgate.deps.model import Ecosystem
from lockgate.deps.sources.local_dir import cache_root
from lockgate.deps.sync import DEFAULT_BUCKET_URL, sync
from lockgate.errors import LockgateError


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
        type=folder_path,
        default=None,
        help="directory to fill (default: $LOCKGATE_ADVISORY_DB, else the user cache)",
    )
    s.add_argument(
        "--url",
        type=base_url,
        default=os.environ.get("LOCKGATE_OSV_BUCKET_URL", DEFAULT_BUCKET_URL),
        help="base URL of the OSV exports (default: $LOCKGATE_OSV_BUCKET_URL or OSV's bucket)",
    )
    s.add_argument(
        "--timeout", type=positive_seconds, default=30.0, help="seconds per download (default 30)"
    )
    s.set_defaults(func=execute)


def base_url(text: str) -> str:
    """An http(s) URL with a host, in ASCII (what urllib can send), checked before any download."""
    if not text.isascii() or not text.isprintable():
        raise argparse.ArgumentTypeError(
            "the URL holds non-ASCII or control characters: percent-encode the path "
            "(%C3%A9 for é) and write the host in its xn-- (punycode) form"
        )
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError("expected an http:// or https:// URL with a host")
    return text


def _dest_folder(dest: Path) -> Path:
    """The folder to fill, created if needed; a file or an unwritable place is a user error."""
    hint = "pass --dest a folder (it is created if missing), or set $LOCKGATE_ADVISORY_DB"
    if dest.exists() and not dest.is_dir():
        raise LockgateError(
            "is not a folder: advisory data goes into a folder", where=str(dest), hint=hint
        )
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LockgateError(
            f"cannot create the advisory folder: {exc.strerror or exc}", where=str(dest), hint=hint
        ) from None
    return dest


def default_dest() -> Path:
    env = os.environ.get("LOCKGATE_ADVISORY_DB", "").split(os.pathsep)[0]
    return Path(env) if env else cache_root() / "osv"


def execute(args: argparse.Namespace) -> int:
    ecosystems = [Ecosystem(e) for e in args.ecosystem] if args.ecosystem else list(Ecosystem)
    dest = _dest_folder((args.dest or default_dest()).resolve())
    report = sync(ecosystems, dest, args.url, args.timeout)
    for eco, count in report.records.items():
        print(f"{eco}: {count} records")
    print(
        f"advisory data in {report.dest} (synced {report.synced_at}); "
        f"point [deps] advisory_db or $LOCKGATE_ADVISORY_DB at it"
    )
    return 0

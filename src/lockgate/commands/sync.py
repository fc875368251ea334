"""`lockgate sync [PATH]`: send the runs and deployments kept in .lockgate/outbox/ to the team server."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from lockgate.cli.argtypes import server_address
from lockgate.errors import ExitCode, LockgateError

SUMMARY = "send the runs and deployments kept in the outbox to the team server"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "sync",
        help=SUMMARY,
        description="Send what `lockgate run --report-to` and `lockgate deploy --report-to` "
        "could not deliver (kept in .lockgate/outbox/) to the team server, with the token from "
        "$LOCKGATE_TOKEN. Each record carries its idempotency key: sending one twice stores it "
        "once. Exit 0 when the outbox is empty afterwards, 1 when the server could not be reached "
        "or rejected a record, 2 when the token or the URL is wrong.",
    )
    p.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    p.add_argument(
        "--report-to",
        type=server_address,
        default=None,
        metavar="URL",
        help="send every kept record to this server (default: the one each was meant for)",
    )
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    from lockgate import client

    root = Path(args.path).resolve()
    if not root.is_dir():
        raise LockgateError(
            f"project folder '{args.path}' does not exist or is not a folder",
            hint="pass the folder whose .lockgate/outbox/ holds the records, e.g. `lockgate sync .`",
        )
    if args.report_to:
        for warning in client.warnings_for(args.report_to):
            print(warning, file=sys.stderr)
    outcomes, problems = client.sync(root, server=args.report_to)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if not outcomes:
        print("nothing to send: the outbox is empty")
        return ExitCode.OK
    for outcome in outcomes:
        print(outcome.message, file=sys.stdout if outcome.delivered else sys.stderr)
    counts = Counter(o.delivery for o in outcomes)
    D = client.Delivery
    print(
        f"sync: {counts[D.SENT]} sent, {counts[D.DUPLICATE]} already on the server, "
        f"{counts[D.KEPT] + counts[D.NOT_ACCEPTED]} kept, {counts[D.REFUSED]} set aside"
    )
    if counts[D.NOT_ACCEPTED]:
        return ExitCode.BAD_INPUT
    if counts[D.KEPT] or counts[D.REFUSED]:
        return ExitCode.GATE_FAILED
    return ExitCode.OK

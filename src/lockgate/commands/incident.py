"""`lockgate incident open|resolve|list`: record production incidents for time to restore and change failure."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from lockgate.cli.argtypes import positive_int
from lockgate.metrics.cliargs import time_arg


def add_parser(sub: Any) -> None:
    p = sub.add_parser("incident", help="record incidents (open, resolve, list)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    opened = actions.add_parser("open", help="record that an incident started")
    opened.add_argument("title", metavar="TITLE", help="what happened")
    opened.add_argument("--env", default="production", help="environment (default: production)")
    opened.add_argument(
        "--cause",
        metavar="DEPLOYMENT_ID|SHA",
        help="the deployment or commit that caused it (default: the last production deployment "
        "before it opened)",
    )
    opened.add_argument(
        "--at", type=time_arg, metavar="TIME", help="when it started (default: now)"
    )
    opened.add_argument("--service", help="the service (default: the project's)")
    opened.add_argument("--path", default=".", help="project folder (default: .)")
    opened.set_defaults(func=execute_open)
    resolved = actions.add_parser("resolve", help="record that an incident is over")
    resolved.add_argument("id", type=positive_int, metavar="ID", help="the incident's id")
    resolved.add_argument(
        "--at", type=time_arg, metavar="TIME", help="when it ended (default: now)"
    )
    resolved.add_argument("--path", default=".", help="project folder (default: .)")
    resolved.set_defaults(func=execute_resolve)
    listed = actions.add_parser("list", help="the incidents of a service, newest first")
    listed.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    listed.add_argument("--service", help="the service (default: the project's)")
    listed.set_defaults(func=execute_list)


def execute_open(args: argparse.Namespace, now: datetime | None = None) -> int:
    from pathlib import Path

    from lockgate.config.loader import load_config
    from lockgate.errors import LockgateError
    from lockgate.metrics.gitlog import Repo
    from lockgate.metrics.incidents import check_cause, check_service, describe_link, parse_cause
    from lockgate.metrics.timeparse import show
    from lockgate.model import Incident
    from lockgate.reports.text import clean
    from lockgate.store.repository import Store

    root = Path(args.path).resolve()
    own = load_config(root).project.name
    service = args.service or own
    title = " ".join(args.title.split())
    if not title:
        raise LockgateError(
            "the incident needs a title", hint='e.g. lockgate incident open "checkout returns 500"'
        )
    try:
        cause = parse_cause(args.cause) if args.cause else (None, None)
    except ValueError as exc:
        raise LockgateError(str(exc)) from None
    at = args.at or now or datetime.now(UTC)
    with Store.open(root) as store:
        check_service(service, store.services(), own)
        dep_id, sha = check_cause(store, Repo(root) if service == own else None, service, *cause)
        inc = Incident(service, args.env, at, None, dep_id, sha, source="cli", title=title)
        inc_id = store.add_incident(inc)
        link = describe_link(store, store.get_incident(inc_id))
    print(
        f"incident #{inc_id} opened for {clean(service)} ({clean(args.env)}) at {show(at)}: {clean(title)}"
    )
    print(f"  {link}")
    print(f"  when it is over: lockgate incident resolve {inc_id}")
    return 0


def execute_resolve(args: argparse.Namespace, now: datetime | None = None) -> int:
    from pathlib import Path

    from lockgate.metrics.incidents import resolve_incident
    from lockgate.metrics.timeparse import duration, show
    from lockgate.store.repository import Store

    at = args.at or now or datetime.now(UTC)
    with Store.open(Path(args.path).resolve()) as store:
        inc = resolve_incident(store, args.id, at)
    assert inc.resolved is not None
    took = duration((inc.resolved - inc.opened).total_seconds())
    print(f"incident #{inc.id} resolved at {show(inc.resolved)} ({took} after it opened)")
    return 0


def execute_list(args: argparse.Namespace) -> int:
    from pathlib import Path

    from lockgate.config.loader import load_config
    from lockgate.metrics.timeparse import show
    from lockgate.reports.text import clean
    from lockgate.store.repository import Store

    root = Path(args.path).resolve()
    service = args.service or load_config(root).project.name
    store = Store.open_existing(root)
    found = [] if store is None else _incidents(store, service)
    if not found:
        print(f"no incidents recorded for {clean(service)}")
        return 0
    print(f"{'id':>5}  {'environment':<12} {'opened':<22} {'resolved':<22} title")
    for inc in found:
        resolved = show(inc.resolved) if inc.resolved else "open"
        print(
            f"{inc.id:>5}  {clean(inc.environment):<12} {show(inc.opened):<22} {resolved:<22} {clean(inc.title)}"
        )
    return 0


def _incidents(store: Any, service: str) -> list[Any]:
    with store:
        return list(store.incidents(service))

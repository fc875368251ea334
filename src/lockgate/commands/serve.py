"""`lockgate serve`: the delivery dashboard (pages, JSON API, /metrics), on 127.0.0.1 by default."""

from __future__ import annotations

import argparse
import os
import socket
from datetime import UTC, datetime
from typing import Any

from lockgate.cli.argtypes import positive_int

SUMMARY = "the delivery dashboard: pages, JSON API and Prometheus /metrics"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("serve", help=SUMMARY)
    p.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1; another address opens it to the network)",
    )
    p.add_argument("--port", type=positive_int, default=8700, help="port (default: 8700)")
    p.add_argument(
        "--bands",
        type=int,
        metavar="YEAR",
        help="DORA report year the pages show (default: newest)",
    )
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    from pathlib import Path

    import uvicorn

    from lockgate.errors import LockgateError
    from lockgate.metrics import bands
    from lockgate.web.app import create_app
    from lockgate.web.data import Dashboard

    if args.bands is not None and args.bands not in bands.years():
        raise LockgateError(
            f"no DORA report year {args.bands} in the bands data",
            hint="years: " + ", ".join(map(str, bands.years())),
        )
    sock = _listen(args.host, args.port)
    dashboard = Dashboard(Path(args.path).resolve(), lambda: datetime.now(UTC))
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        print(f"warning: listening on {args.host}: anyone who reaches it can read the dashboard")
    shown = f"[{args.host}]" if ":" in args.host else args.host
    token = os.environ.get("LOCKGATE_TOKEN") or None
    config = uvicorn.Config(
        create_app(dashboard, args.bands, token), log_level="warning", server_header=False
    )
    # the socket listens already: a client that read this line can connect
    print(f"lockgate dashboard on http://{shown}:{args.port}/ (Ctrl-C stops it)")
    print(
        "writes (POST /api/v1/runs, /api/v1/deployments, /api/v1/incidents): "
        + (
            "on, with the bearer token in LOCKGATE_TOKEN"
            if token
            else "off (LOCKGATE_TOKEN not set)"
        ),
        flush=True,
    )
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def _listen(host: str, port: int) -> socket.socket:
    from lockgate.errors import LockgateError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on connections of a socket whose proto
    # says TCP, and without it every response (headers, then body) waits for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise LockgateError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="pick another --port, or stop what listens there",
        ) from None
    sock.listen(128)
    return sock

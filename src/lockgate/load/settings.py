"""The `[stages.load]` options: declared once, and read into the engine's values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lockgate.config.options import Option, percentage
from lockgate.errors import LockgateError
from lockgate.load.interface import Bounds, Thresholds, Topology
from lockgate.load.target import is_loopback

MAX_USERS = 10_000
MAX_DURATION = 3_600
MAX_WORKERS = 64


def _between(low: float, high: float) -> Any:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"a number from {low:g} to {high:g}"

    return check


def _master(value: Any) -> str | None:
    host, sep, port = str(value).rpartition(":")
    if not value or (sep and host and port.isdigit() and 0 < int(port) < 65536):
        return None
    return 'an address "host:port" (e.g. "127.0.0.1:5557"), or "" for none'


OPTIONS: tuple[Option, ...] = (
    Option("url", "str", "", "URL to load-test; empty = the deploy stage's URL or `run --url`."),
    Option(
        "allow_remote",
        "bool",
        False,
        "Allow a target (or master) that is not on this machine; off = loopback only.",
    ),
    Option(
        "scenario",
        "list[table]",
        [],
        "Requests to send: [[stages.load.scenario]] tables with path, method, weight, body or "
        "json, headers, name. Empty = the OpenAPI document's GET endpoints, else locustfile.py.",
    ),
    Option("openapi", "str", "", "OpenAPI document (relative path); empty = openapi.json/.yaml."),
    Option("locustfile", "str", "locustfile.py", "The project's own locustfile (the last resort)."),
    Option("users", "int", 10, "Simulated users at the peak.", check=_between(1, MAX_USERS)),
    Option("spawn_rate", "float", 10.0, "Users started per second.", check=_between(0.1, 10_000)),
    Option("duration", "int", 30, "Seconds the run lasts.", check=_between(1, MAX_DURATION)),
    Option(
        "max_requests",
        "int",
        1_000_000,
        "Requests after which the run stops early (a bound on the traffic).",
        check=_between(1, 100_000_000),
    ),
    Option("p95_ms", "float", 0.0, "Highest 95th-percentile latency in ms; 0 = not checked."),
    Option("p99_ms", "float", 0.0, "Highest 99th-percentile latency in ms; 0 = not checked."),
    Option(
        "max_error_rate",
        "float",
        1.0,
        "Highest share of failed requests, in percent.",
        check=percentage,
    ),
    Option("min_rps", "float", 0.0, "Lowest throughput in requests/s; 0 = not checked."),
    Option(
        "workers",
        "int",
        0,
        "Local Locust worker processes under a master on 127.0.0.1; 0 = one process. With "
        "`master`: how many of the team's workers to wait for.",
        check=_between(0, MAX_WORKERS),
    ),
    Option(
        "master",
        "str",
        "",
        'Run the master at "host:port" for the team\'s own Locust workers to join '
        "(they run `locust -f - --worker --master-host HOST --master-port PORT`).",
        check=_master,
    ),
)


def bounds(options: Mapping[str, Any]) -> Bounds:
    return Bounds(
        users=int(options["users"]),
        spawn_rate=float(options["spawn_rate"]),
        duration=int(options["duration"]),
        max_requests=int(options["max_requests"]),
    )


def thresholds(options: Mapping[str, Any]) -> Thresholds:
    def limit(key: str) -> float | None:
        value = float(options[key])
        return value if value > 0 else None

    rate = float(options["max_error_rate"])
    return Thresholds(limit("p95_ms"), limit("p99_ms"), rate, limit("min_rps"))


def topology(options: Mapping[str, Any]) -> Topology:
    master = str(options["master"])
    if not master:
        return Topology(workers=int(options["workers"]))
    host, _, port = master.rpartition(":")
    host = host.strip("[]")
    if not options["allow_remote"] and not is_loopback(host):
        raise LockgateError(
            f'master = "{master}" would listen on an address that is not loopback',
            where="lockgate.toml [stages.load] master",
            hint='use "127.0.0.1:PORT", or set allow_remote = true for a cluster across machines',
        )
    return Topology(workers=int(options["workers"]), master=(host, int(port)))

"""One bounded Locust run in child processes (gevent stays out of lockgate's own process)."""

from __future__ import annotations

import json
import socket
from collections.abc import Sequence
from pathlib import Path

from lockgate.errors import LockgateError
from lockgate.load import generate, results
from lockgate.load.interface import Bounds, Outcome, Scenario, Topology
from lockgate.tools import proc

INSTALL_HINT = "install Locust 2.47.0 into lockgate's environment (scripts/bootstrap does it)"
STATS = "stats"  # Locust writes stats.json, stats_stats.csv, stats_stats_history.csv, ...
LOG = "locust.log"
GRACE = 60  # seconds beyond the run's bounds before lockgate stops Locust itself


def run(scenario: Scenario, target: str, bounds: Bounds, topology: Topology, out: Path) -> Outcome:
    """Run Locust against `target` within `bounds`; its files go to `out` (the stage's artifacts)."""
    locust = proc.require("locust", INSTALL_HINT)
    for old in out.glob(generate.GUARD_PREFIX + "*.json"):
        old.unlink()
    files = _locustfiles(scenario, target, bounds, topology, out)
    argv = [locust, "-f", ",".join(str(f) for f in files), *_common(target, bounds)]
    argv += _topology_args(topology)
    limit = bounds.duration + topology.wait_for_workers + GRACE
    done = proc.run(argv, cwd=out, timeout=limit)
    (out / LOG).write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.timed_out:
        raise LockgateError(
            f"Locust did not stop within {limit} s of a {bounds.duration} s run; lockgate stopped it",
            where=str(out / LOG),
            hint="check that the workers reached the master (see the log)",
        )
    if done.returncode != 0:
        raise LockgateError(
            f"Locust stopped with exit code {done.returncode}: {_last_error(done.stderr)}",
            where=_where(scenario),
            hint="fix the locustfile (the full output is in the stage's locust.log)",
        )
    summary = results.read(out / f"{STATS}.json", out / f"{STATS}_stats_history.csv")
    foreign, limited = _guard_reports(out)
    made = [out / LOG, *files, *sorted(out.glob(f"{STATS}*"))]
    return Outcome(summary, tuple(p for p in made if p.is_file()), foreign, limited)


def _locustfiles(
    scenario: Scenario, target: str, bounds: Bounds, topology: Topology, out: Path
) -> list[Path]:
    per_process = -(-bounds.max_requests // max(1, _processes(topology)))  # ceiling
    if scenario.locustfile is not None:  # the project's own, and the guard beside it
        guard = out / "lockgate_guard.py"
        guard.write_text(generate.guard(target, per_process), encoding="utf-8")
        return [scenario.locustfile, guard]
    generated = out / "locustfile.py"
    generated.write_text(generate.locustfile(scenario, target, per_process), encoding="utf-8")
    return [generated]


def _processes(topology: Topology) -> int:
    return topology.workers if topology.master is not None or topology.workers else 1


def _common(target: str, bounds: Bounds) -> list[str]:
    return [
        "--headless",
        "--users",
        str(bounds.users),
        "--spawn-rate",
        f"{bounds.spawn_rate:g}",
        "--run-time",
        f"{bounds.duration}s",
        "--host",
        target,
        "--csv",
        STATS,
        "--csv-full-history",
        "--json-file",
        STATS,
        "--only-summary",
        "--exit-code-on-error",
        "0",
        "--stop-timeout",
        "2",
    ]


def _topology_args(topology: Topology) -> list[str]:
    """Local workers under a master on loopback, or a master the team's workers join."""
    if topology.master is not None:
        host, port = topology.master
        return [
            "--master",
            "--master-bind-host",
            host,
            "--master-bind-port",
            str(port),
            "--expect-workers",
            str(max(1, topology.workers)),
            "--expect-workers-max-wait",
            str(topology.wait_for_workers),
        ]
    if topology.workers:
        local = str(free_port())
        return [
            "--processes",
            str(topology.workers),
            "--master-bind-host",
            "127.0.0.1",  # never every interface (Locust's default)
            "--master-bind-port",
            local,
            "--master-port",  # where the forked workers look for it
            local,
            "--expect-workers-max-wait",
            str(topology.wait_for_workers),
        ]
    return []


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _guard_reports(out: Path) -> tuple[tuple[str, ...], bool]:
    """What the guards of the local processes saw: foreign URLs, whether a bound stopped them."""
    foreign: list[str] = []
    limited = False
    for report in sorted(out.glob(generate.GUARD_PREFIX + "*.json")):
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        foreign += [str(u) for u in data.get("foreign", ())]
        limited = limited or bool(data.get("limit"))
        report.unlink()
    return tuple(dict.fromkeys(foreign)), limited


def _last_error(stderr: str) -> str:
    """The line that says what went wrong (a traceback's last line), not the whole traceback."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if "Error" in line or "Exception" in line or line.startswith("locust:"):
            return line[-500:]
    return lines[-1][-500:] if lines else "no output"


def _where(scenario: Scenario) -> str | None:
    return scenario.origin if scenario.locustfile is not None else None


def describe(argv: Sequence[str]) -> str:
    return " ".join(argv)

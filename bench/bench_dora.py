"""The four keys from a big store: 100,000 production deployments, 1,000,000 changes, 10,000 incidents.

One service holds it all (the strictest case: every query is over the whole history), spread over
three years (about 91 deployments a day). Prints the time to fill the store, then the time
`lockgate metrics` needs for the four keys with their weekly series (the engine after the CLI has
started: lockgate.metrics.report.service_keys), over the default 90-day window and over the
whole history, and their ratio to the 1 s target.

SQLite in a temporary folder; PostgreSQL too when LOCKGATE_BENCH_POSTGRES_URL names a server
(a throw-away database is created on it and dropped). --scale 0.1 runs a tenth of the data.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import sqlalchemy as sa  # noqa: E402

from lockgate.metrics.model import Window  # noqa: E402
from lockgate.metrics.report import service_keys  # noqa: E402
from lockgate.store import delivery  # noqa: E402
from lockgate.store.repository import Store  # noqa: E402
from lockgate.store.schema import change_sets, changes, deployments, incidents  # noqa: E402

NOW = datetime(2026, 12, 1, tzinfo=UTC)  # fixed: the data and the windows do not move
DAYS = 3 * 365
SERVICE = "big"
TARGET_S = 1.0


def fill(store: Store, n_deployments: int, n_changes: int, n_incidents: int) -> float:
    """Insert the synthetic history; returns seconds taken."""
    rng = random.Random(7)
    start = time.perf_counter()
    first = NOW - timedelta(days=DAYS)
    step = DAYS * 86400 / n_deployments
    deps: list[dict[str, Any]] = []
    live: list[tuple[int, datetime]] = []
    for i in range(n_deployments):
        at = first + timedelta(seconds=i * step)
        roll = rng.random()
        status = "failed" if roll < 0.04 else "rolled_back" if roll < 0.06 else "succeeded"
        deps.append(_deployment(i + 1, at, status))
        if status != "failed":
            live.append((i + 1, at))
    rows: list[dict[str, Any]] = []
    per = n_changes / len(live)
    sets = []
    for index, (dep_id, at) in enumerate(live):
        count = int((index + 1) * per) - int(index * per)
        sets.append(_change_set(dep_id, count, at))
        for _ in range(count):
            lead = rng.lognormvariate(10.5, 1.2)  # median ~10 h, a long tail
            rows.append(_change(dep_id, at, lead, rng))
    incs = [_incident(i, first, rng) for i in range(n_incidents)]
    with store._write() as conn:  # a benchmark may fill the store directly
        delivery.insert_rows(conn, deployments, deps)
        delivery.insert_rows(conn, change_sets, sets)
        delivery.insert_rows(conn, changes, rows)
        delivery.insert_rows(conn, incidents, incs)
    return time.perf_counter() - start


def _deployment(dep_id: int, at: datetime, status: str) -> dict[str, Any]:
    return {
        "id": dep_id,
        "service": SERVICE,
        "environment": "production",
        "version": f"v{dep_id}",
        "commit_sha": f"{dep_id:040x}",
        "image_digest": None,
        "started": at - timedelta(minutes=3),
        "finished": at,
        "status": status,
        "triggered_by": "bench",
        "detail": "",
        "host": "",
        "pid": None,
        "process_start": None,
        "import_key": f"bench:{dep_id}",
    }


def _change_set(dep_id: int, count: int, at: datetime) -> dict[str, Any]:
    return {
        "deployment_id": dep_id,
        "service": SERVICE,
        "basis": "bench",
        "state": "complete",
        "detail": "",
        "commits": count,
        "squash_unresolved": 0,
        "computed_at": at,
    }


def _change(dep_id: int, at: datetime, lead: float, rng: random.Random) -> dict[str, Any]:
    return {
        "deployment_id": dep_id,
        "service": SERVICE,
        "commit_sha": f"{rng.getrandbits(160):040x}",
        "committed_at": at - timedelta(seconds=lead),
        "deployed_at": at,
        "lead_seconds": lead,
        "source": "commit",
    }


def _incident(i: int, first: datetime, rng: random.Random) -> dict[str, Any]:
    opened = first + timedelta(seconds=rng.uniform(3600, DAYS * 86400 - 3600))
    resolved = opened + timedelta(seconds=rng.lognormvariate(8.5, 1.0))
    return {
        "service": SERVICE,
        "environment": "production",
        "opened": opened,
        "resolved": None if rng.random() < 0.02 else min(resolved, NOW),
        "cause_deployment_id": None,
        "cause_commit": None,
        "source": "bench",
        "title": f"incident {i}",
        "import_key": None,
    }


def measure(store: Store, days: int, repeats: int = 3) -> tuple[float, Any]:
    """Median seconds of `repeats` computations of the four keys over the last `days`."""
    window = Window(NOW - timedelta(days=days), NOW)
    times, keys = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        keys = service_keys(store, SERVICE, window, NOW)
        times.append(time.perf_counter() - start)
    return statistics.median(times), keys


def floor(store: Store, days: int, repeats: int = 3) -> float:
    """Median seconds to only read the rows the keys stand on (the window's lead times and
    deployments) in one query each: what any implementation on this store has to pay."""
    since = NOW - timedelta(days=days)
    c, d = changes.c, deployments.c
    leads = sa.select(c.lead_seconds).where(
        c.service == SERVICE, c.deployed_at >= since, c.deployed_at < NOW
    )
    deps = sa.select(d.id, d.status, d.finished).where(d.service == SERVICE, d.finished >= since)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        with store._read() as conn:
            conn.execute(leads).scalars().all()
            conn.execute(deps).all()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench(label: str, store: Store, scale: float) -> None:
    n = (int(100_000 * scale), int(1_000_000 * scale), int(10_000 * scale))
    filled = fill(store, *n)
    print(
        f"{label}: {n[0]:,} deployments, {n[1]:,} changes, {n[2]:,} incidents filled in {filled:.1f} s"
    )
    for days in (90, DAYS):
        seconds, k = measure(store, days)
        bare = floor(store, days)
        print(
            f"  four keys over {days:>4} days: {seconds:.3f} s = {seconds / TARGET_S:.2f} x the "
            f"{TARGET_S:g} s target = {seconds / bare:.1f} x only reading its rows ({bare:.3f} s); "
            f"{k.deployment_frequency.deployments:,} deployments, "
            f"{k.lead_time.stats.count:,} changes, {k.time_to_restore.stats.count:,} restores, "
            f"{len(k.weekly)} weeks"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full data set")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lockgate-bench-dora-") as tmp:
        with Store.open(Path(tmp)) as store:
            bench("SQLite", store, args.scale)
        pg = os.environ.get("LOCKGATE_BENCH_POSTGRES_URL")
        if pg:
            with _pg_database(pg) as url, Store.open(Path(tmp), url) as store:
                bench("PostgreSQL", store, args.scale)
        else:
            print("PostgreSQL: skipped (set LOCKGATE_BENCH_POSTGRES_URL to a server to run it)")
    return 0


class _pg_database:
    """A fresh database on the given server for the benchmark, dropped afterwards."""

    def __init__(self, server: str) -> None:
        import sqlalchemy as sa

        self.server = sa.make_url(server).set(drivername="postgresql")
        self.name = f"lockgate_bench_{uuid.uuid4().hex[:8]}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            self.server.render_as_string(hide_password=False), autocommit=True
        ) as c:
            c.execute(sql)

    def __enter__(self) -> str:
        self._admin(f'CREATE DATABASE "{self.name}"')
        return self.server.set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *exc: object) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


if __name__ == "__main__":
    raise SystemExit(main())

"""The services page of `lockgate serve` over a big store, under wrk with 50 connections: p95.

Fills a store with bench_dora's data (100,000 production deployments, 1,000,000 changes and 10,000
incidents of one service, over three years), starts `lockgate serve` on 127.0.0.1 as a real
process, times the first request (the four keys computed from the store), then runs Debian's
`/usr/bin/wrk` with CONNECTIONS connections against `/` for a bounded time and prints p50, p95 and
p99 (from wrk's own latency histogram, through a short Lua script) against the 100 ms target.
--floor then serves the same response (body and headers) from a Starlette app that does nothing
else, on the same uvicorn, under the same wrk: what any page costs on this HTTP stack and load.

wrk's request timeout is raised to 30 s so a slow response is measured instead of dropped.
--store DIR keeps the filled store there and reuses it on the next run (filling takes minutes);
LOCKGATE_BENCH_POSTGRES_URL runs the same against a throw-away database on that server (vacuumed
and analysed after the fill), and counts how often the cluster's snapshot, the dashboard's store
version there, moved during the run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from bench_dora import _pg_database, fill  # noqa: E402

from lockgate.store.repository import Store  # noqa: E402

TARGET_MS = 100.0
CONNECTIONS = 50
FILLED = "bench-serve-filled"  # marker file: this folder's store holds the full data set
LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("lockgate-bench p50_ms %.2f\\n", latency:percentile(50) / 1000))
  io.write(string.format("lockgate-bench p95_ms %.2f\\n", latency:percentile(95) / 1000))
  io.write(string.format("lockgate-bench p99_ms %.2f\\n", latency:percentile(99) / 1000))
  io.write(string.format("lockgate-bench max_ms %.2f\\n", latency.max / 1000))
  io.write(string.format("lockgate-bench requests %d\\n", summary.requests))
  io.write(string.format("lockgate-bench seconds %.3f\\n", summary.duration / 1e6))
  io.write(string.format("lockgate-bench errors %d\\n",
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(project: Path, url: str | None) -> Iterator[int]:
    """`lockgate serve` on a free loopback port; yields the port once it listens."""
    port = _free_port()
    env = dict(os.environ)
    env.pop("LOCKGATE_TOKEN", None)
    if url is not None:
        env["LOCKGATE_DATABASE_URL"] = url
    server = subprocess.Popen(
        [sys.executable, "-m", "lockgate", "serve", str(project), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()
        if "lockgate dashboard on" not in banner:
            raise SystemExit(f"lockgate serve did not start:\n{banner}{server.stdout.read()}")
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


FLOOR_APP = """
import json
import sys
import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

BODY = open(sys.argv[2], "rb").read()
HEADERS = json.load(open(sys.argv[3]))


async def page(request):
    return Response(BODY, headers=HEADERS)


print("listening", flush=True)
uvicorn.run(
    Starlette(routes=[Route("/", page)]),
    host="127.0.0.1",
    port=int(sys.argv[1]),
    log_level="warning",
    server_header=False,
)
"""


@contextmanager
def floor_serving(page: tuple[bytes, dict[str, str]], folder: Path) -> Iterator[int]:
    """The same response (body and headers) from a Starlette app that only returns it, on the
    same uvicorn: what any page costs on this HTTP stack under this machine's load."""
    port = _free_port()
    body, headers = page
    (folder / "floor.py").write_text(FLOOR_APP)
    (folder / "floor.html").write_bytes(body)
    (folder / "floor-headers.json").write_text(json.dumps(headers))
    server = subprocess.Popen(
        [
            sys.executable,
            str(folder / "floor.py"),
            str(port),
            str(folder / "floor.html"),
            str(folder / "floor-headers.json"),
        ],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        server.stdout.readline()
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def get(port: int, path: str) -> tuple[bytes, dict[str, str]]:
    """The body and the headers of one GET (less those the server adds to every response)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        skip = {"content-length", "date", "server"}
        headers = {k: v for k, v in response.getheaders() if k.lower() not in skip}
        return response.read(), headers
    finally:
        conn.close()


def first_request(port: int, path: str) -> tuple[float, int]:
    """Seconds and status of one GET (the first: nothing cached yet)."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return time.perf_counter() - start, response.status
    finally:
        conn.close()


def run_wrk(port: int, path: str, seconds: int, threads: int, folder: Path) -> dict[str, float]:
    script = folder / "p95.lua"
    script.write_text(LUA)
    done = subprocess.run(
        [
            "/usr/bin/wrk",
            f"-t{threads}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 120,
    )
    found = {
        parts[1]: float(parts[2])
        for line in done.stdout.splitlines()
        if (parts := line.split())[:1] == ["lockgate-bench"]
    }
    if "p95_ms" not in found:
        raise SystemExit(f"wrk printed no latency:\n{done.stdout}{done.stderr}")
    return found


def bench(label: str, project: Path, url: str | None, args: argparse.Namespace) -> None:
    with serving(project, url) as port:
        cold, status = first_request(port, "/")
        print(f"{label}: first request (nothing cached) {cold:.3f} s, status {status}")
        page = get(port, "/")
        with _snapshots(url) as moves:
            got = run_wrk(port, "/", args.seconds, args.threads, project)
    report(f"{label} services page", got, args)
    if url is not None:
        print(
            f"  the server's snapshot moved {moves[0]} times during the run (each: the store "
            "may have changed, so the four keys are computed again before the next answer)"
        )
    if args.floor:
        with floor_serving(page, project) as port:
            floor = run_wrk(port, "/", args.seconds, args.threads, project)
        report("the same response from a bare Starlette app (floor)", floor, args)
        print(f"p95 / floor p95: {got['p95_ms'] / floor['p95_ms']:.2f}")


@contextmanager
def _snapshots(url: str | None) -> Iterator[list[int]]:
    """PostgreSQL: count how often the cluster's snapshot (the dashboard's store version)
    moves while the body runs, sampled every 20 ms by a read-only connection."""
    moves = [0]
    if url is None:
        yield moves
        return
    import psycopg

    stop = threading.Event()

    def sample() -> None:
        with psycopg.connect(_plain(url), autocommit=True) as conn:
            last = None
            while not stop.wait(0.02):
                row = conn.execute("SELECT pg_current_snapshot()::text").fetchone()
                now = row[0] if row else None
                moves[0] += last is not None and now != last
                last = now

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield moves
    finally:
        stop.set()
        sampler.join(timeout=30)


def _plain(url: str) -> str:
    import sqlalchemy as sa

    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def settle(url: str) -> None:
    """VACUUM ANALYZE after the bulk fill: a store filled over three years has long been
    vacuumed and analysed; left to autovacuum, its ANALYZE transactions would move the
    snapshot (and so the dashboard's store version) during the measurement."""
    import psycopg

    start = time.perf_counter()
    with psycopg.connect(_plain(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE after the fill: {time.perf_counter() - start:.0f} s")


def report(label: str, got: dict[str, float], args: argparse.Namespace) -> None:
    rate = got["requests"] / got["seconds"]
    print(
        f"{label}: wrk -c{CONNECTIONS} -t{args.threads} -d{args.seconds}s: "
        f"{got['requests']:.0f} requests ({rate:.0f}/s), {got['errors']:.0f} errors; "
        f"p50 {got['p50_ms']:.1f} ms, p95 {got['p95_ms']:.1f} ms = "
        f"{got['p95_ms'] / TARGET_MS:.2f} x the {TARGET_MS:g} ms target, "
        f"p99 {got['p99_ms']:.1f} ms, max {got['max_ms']:.1f} ms"
    )


def filled(folder: Path, scale: float, url: str | None = None) -> None:
    n = (int(100_000 * scale), int(1_000_000 * scale), int(10_000 * scale))
    with Store.open(folder, url) as store:
        seconds = fill(store, *n)
    print(f"filled {n[0]:,} deployments, {n[1]:,} changes, {n[2]:,} incidents in {seconds:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full data set")
    parser.add_argument("--seconds", type=int, default=30, help="how long wrk runs (default 30)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--store", type=Path, help="keep the SQLite store in this folder, reuse it")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="then serve the same page from a bare Starlette app on the same uvicorn, for the floor",
    )
    args = parser.parse_args()
    if not Path("/usr/bin/wrk").exists():
        print("wrk is not installed (Debian package wrk; scripts/bootstrap installs it)")
        return 2
    with tempfile.TemporaryDirectory(prefix="lockgate-bench-serve-") as tmp:
        folder = args.store or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        marker = folder / FILLED
        if not marker.exists() or marker.read_text() != str(args.scale):
            shutil.rmtree(folder / ".lockgate", ignore_errors=True)
            filled(folder, args.scale)
            marker.write_text(str(args.scale))
        else:
            print(f"reusing the store in {folder} (scale {args.scale})")
        bench("SQLite", folder, None, args)
        pg = os.environ.get("LOCKGATE_BENCH_POSTGRES_URL")
        if pg:
            with _pg_database(pg) as url:
                filled(Path(tmp), args.scale, url)
                settle(url)
                bench("PostgreSQL", Path(tmp), url, args)
        else:
            print("PostgreSQL: skipped (set LOCKGATE_BENCH_POSTGRES_URL to a server to run it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

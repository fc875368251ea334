"""Requests per second the load stage drives, against wrk on the same endpoint for the same time.

Starts nginx on 127.0.0.1 (a static 200 answer, so the server is not the bottleneck), then for 1
and 2 Locust processes runs, each for SECONDS: `lockgate run --only load --url URL` (users =
CONNECTIONS, no wait between requests), plain Locust on a minimal FastHttpUser locustfile (what
Locust itself reaches here) and `wrk` with as many threads and CONNECTIONS connections. ROUNDS
rounds, interleaved; the best of each is kept (a shared machine's noise only slows a run down).
Prints requests/s and the stage's share of wrk's rate. Needs nginx and wrk (Debian;
scripts/bootstrap installs both) and Locust in lockgate's environment.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOCKGATE = REPO / ".venv" / "bin" / "lockgate"
SECONDS = 10
CONNECTIONS = 10
ROUNDS = 3
PLAIN = """
from locust import FastHttpUser, constant, task


class Plain(FastHttpUser):
    wait_time = constant(0)

    @task
    def home(self):
        self.client.get("/")
"""
NGINX_CONF = """
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{ return 200 "ok"; }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_nginx(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=root, port=port))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    server = subprocess.Popen([nginx, "-c", str(conf), "-p", str(root)])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return server, f"http://127.0.0.1:{port}"
        time.sleep(0.05)
    server.kill()
    raise SystemExit("nginx did not start (see error.log)")


def wrk_rps(url: str, threads: int) -> float:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", url + "/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise SystemExit(f"wrk printed no rate:\n{out}")
    return float(found.group(1))


def stage_rps(url: str, workers: int, project: Path) -> tuple[float, float]:
    """(requests/s, wall seconds of the whole `lockgate run`)."""
    (project / "lockgate.toml").write_text(
        f"[stages.load]\nusers = {CONNECTIONS}\nspawn_rate = 1000\nduration = {SECONDS}\n"
        f"workers = {workers}\nmax_requests = 100000000\nmax_error_rate = 0\n\n"
        '[[stages.load.scenario]]\npath = "/"\n'
    )
    start = time.monotonic()
    done = subprocess.run(
        [str(LOCKGATE), "run", str(project), "--only", "load", "--url", url, "--json"],
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"lockgate run exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    [stage] = json.loads(done.stdout)["stages"]
    metrics = {m["name"]: m["value"] for m in stage["metrics"]}
    return float(metrics["load_rps"]), wall


def locust_rps(url: str, processes: int, root: Path) -> float:
    """Plain Locust, no lockgate: the same users, time and host."""
    (root / "plain.py").write_text(PLAIN)
    port = str(free_port())  # the forked workers look for the master at --master-port
    extra = ["--processes", str(processes), "--master-bind-host", "127.0.0.1"] if processes else []
    extra += ["--master-bind-port", port, "--master-port", port] if processes else []
    subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "locust"),
            "-f",
            "plain.py",
            "--headless",
            "-u",
            str(CONNECTIONS),
            "-r",
            "1000",
            "-t",
            f"{SECONDS}s",
            "-H",
            url,
            "--only-summary",
            "--json-file",
            "plain",
            *extra,
        ],
        cwd=root,
        capture_output=True,
        check=True,
        timeout=SECONDS + 120,
    )
    entries = json.loads((root / "plain.json").read_text())
    total = sum(e["num_requests"] for e in entries)
    span = max(e["last_request_timestamp"] for e in entries) - min(e["start_time"] for e in entries)
    return total / span


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian package wrk; scripts/bootstrap installs it)")
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
        root = Path(scratch)
        project = root / "svc"
        project.mkdir()
        server, url = start_nginx(root)
        try:
            print(f"endpoint: nginx on {url}, {CONNECTIONS} users/connections, {SECONDS} s each")
            print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            print(
                f"{'workers':>8} {'stage req/s':>12} {'locust req/s':>13} {'wrk req/s':>10} "
                f"{'stage/wrk':>10} {'locust/wrk':>11} {'run wall s':>10}"
            )
            for workers, threads in ((0, 1), (2, 2)):
                best = {"stage": 0.0, "locust": 0.0, "wrk": 0.0, "wall": 1e9}
                for _ in range(ROUNDS):
                    rps, wall = stage_rps(url, workers, project)
                    best["stage"] = max(best["stage"], rps)
                    best["wall"] = min(best["wall"], wall)
                    best["locust"] = max(best["locust"], locust_rps(url, workers, root))
                    best["wrk"] = max(best["wrk"], wrk_rps(url, threads))
                label = "1" if workers == 0 else str(workers)
                print(
                    f"{label:>8} {best['stage']:>12.0f} {best['locust']:>13.0f} {best['wrk']:>10.0f} "
                    f"{best['stage'] / best['wrk']:>10.2f} {best['locust'] / best['wrk']:>11.2f} "
                    f"{best['wall']:>10.1f}"
                )
        finally:
            server.terminate()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""One nginx per environment: its config, start and reload, and what it really serves.

Every config carries a control server (reached only with `Host: lockgate-control.invalid`, a
name no real client sends) that answers which release port the *loaded* config routes to, with
a token unique to that config. Recovery after a crash asks nginx itself instead of trusting the
file on disk, and a reload counts as done only once nginx answers with the new token.
"""

from __future__ import annotations

import http.client
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lockgate.deploy import docs as published
from lockgate.deploy.interface import DeployFailed
from lockgate.deploy.scope import dns_label
from lockgate.errors import LockgateError
from lockgate.tools import proc

NGINX_HINT = (
    "install nginx (`apt-get install nginx`, or run scripts/bootstrap), or point "
    "LOCKGATE_NGINX_BIN at an nginx binary"
)
CONTROL_HOST = "lockgate-control.invalid"  # RFC 2606: never a real host name
CONTROL_PATH = "/lockgate/serving"
IDENTITY = "# lockgate-environment:"
_PROC = Path("/proc")


@dataclass(frozen=True)
class Serving:
    """What a running nginx has loaded, in its own words."""

    listen: int
    upstream: int
    token: str
    scope: str
    env: str


def ask(port: int, timeout: float = 2.0) -> Serving | None:
    """The control answer of a lockgate nginx on 127.0.0.1:`port`, or None (no lockgate nginx)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", CONTROL_PATH, headers={"Host": CONTROL_HOST})
        resp = conn.getresponse()
        body = resp.read(4096).decode("ascii", "replace")
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()
    fields = dict(p.split("=", 1) for p in body.split() if "=" in p)
    try:
        return Serving(
            int(fields["listen"]),
            int(fields["upstream"]),
            fields["token"],
            fields["scope"],
            fields["env"],
        )
    except (KeyError, ValueError):
        return None


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (state, ppid, ...), or None."""
    try:
        raw = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return raw.rpartition(")")[2].split()


Worker = tuple[int, str]  # pid, start time (tells a reused pid apart)


def children(parent: int) -> frozenset[Worker]:
    found: set[Worker] = set()
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields is not None and len(fields) > 19 and fields[1] == str(parent):
            found.add((int(entry.name), fields[19]))
    return frozenset(found)


def accepting(workers: Iterable[Worker]) -> list[int]:
    """Those of `workers` still taking new connections: alive and not shutting down (nginx
    retitles a worker told to quit just before it closes its listening sockets)."""
    found = []
    for pid in still_running(workers):
        try:
            title = (_PROC / str(pid) / "cmdline").read_bytes()
        except OSError:
            continue
        if b"shutting down" not in title:
            found.append(pid)
    return found


def still_running(workers: Iterable[Worker]) -> list[int]:
    alive = []
    for pid, start in workers:
        fields = _stat(pid)
        if fields is not None and len(fields) > 19 and fields[19] == start and fields[0] != "Z":
            alive.append(pid)
    return alive


def folder_of(scope: str, env: str) -> Path | None:
    """The environment folder of the running lockgate nginx that serves `env` of `scope`."""
    for entry in _PROC.iterdir():
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        found = re.search(r"nginx: master process .* -p (\S+)", cmd)
        if not found:
            continue
        prefix = Path(found.group(1))
        try:
            head = (prefix / "nginx.conf").read_text(errors="replace")[:400]
        except OSError:
            continue
        if f"{IDENTITY} {env} of {scope}\n" in head:
            return prefix
    return None


class Nginx:
    """One nginx master per environment: `-p <state_dir> -c nginx.conf`, pid file in the state dir."""

    def __init__(self, state_dir: Path) -> None:
        self.prefix = state_dir.resolve()
        self.conf = self.prefix / "nginx.conf"
        self.pid_file = self.prefix / "nginx.pid"
        self.error_log = self.prefix / "logs" / "error.log"

    def exe(self) -> str:
        path = proc.which("nginx")
        override = os.environ.get("LOCKGATE_NGINX_BIN")
        if path is None and override:
            raise LockgateError(
                f"LOCKGATE_NGINX_BIN is {override}, which is not an executable file",
                hint="point LOCKGATE_NGINX_BIN at an nginx binary, or unset it to use nginx "
                "from PATH",
            )
        if path is None:
            raise LockgateError(
                "nginx is not installed; the container target routes through it", hint=NGINX_HINT
            )
        return path

    def _argv(self, *extra: str) -> list[str]:
        return [
            self.exe(),
            "-p",
            f"{self.prefix}/",
            "-c",
            str(self.conf),
            "-e",
            str(self.error_log),
            *extra,
        ]

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        comm = _PROC / str(pid) / "comm"
        if comm.exists() and "nginx" not in comm.read_text():
            return None
        return pid

    def render(
        self,
        listen: int,
        upstream: int,
        *,
        token: str = "-",
        scope: str = "-",
        env: str = "-",
        drain_timeout: float = 60.0,
        docs: str = "",
    ) -> str:
        """The config; `docs`: a published docs site folder to serve under /docs/, if any."""
        p = self.prefix
        env = dns_label(env)
        temps = "\n".join(
            f"    {k}_temp_path {p}/tmp/{k};"
            for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        answer = f"upstream={upstream} listen={listen} token={token} scope={scope} env={env}"
        site = published.nginx_locations(docs) if docs else ""
        return f"""# Generated by lockgate; rewritten on every deploy.
{IDENTITY} {env} of {scope}
worker_processes 1;
daemon on;
pid {self.pid_file};
error_log {self.error_log} warn;
# a reload lets the old worker finish the requests in flight, this long at most
worker_shutdown_timeout {max(1, round(drain_timeout * 1000))}ms;
events {{ worker_connections 512; }}
http {{
    access_log off;
{temps}
    upstream release {{
        server 127.0.0.1:{upstream} max_fails=0;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{listen} default_server;
{site}        location / {{
            proxy_pass http://release;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
        }}
    }}
    # what this config routes to, for lockgate (never reaches the service)
    server {{
        listen 127.0.0.1:{listen};
        server_name {CONTROL_HOST};
        allow 127.0.0.1;
        deny all;
        location = {CONTROL_PATH} {{
            default_type text/plain;
            return 200 "{answer}";
        }}
        location / {{
            return 404;
        }}
    }}
}}
"""

    def on_disk(self) -> tuple[int, int] | None:
        """(listen, upstream) of the config file on disk: what nginx serves once it loads it."""
        try:
            text = self.conf.read_text()
        except OSError:
            return None
        listen = re.search(r"listen 127\.0\.0\.1:(\d+)", text)
        upstream = re.search(r"server 127\.0\.0\.1:(\d+)", text)
        if listen is None or upstream is None:
            return None
        return int(listen.group(1)), int(upstream.group(1))

    def upstream_port(self) -> int | None:
        """The release port the config on disk routes to."""
        found = self.on_disk()
        return found[1] if found else None

    def write(self, listen: int, upstream: int, **identity: object) -> None:
        for sub in ("logs", "tmp"):
            (self.prefix / sub).mkdir(parents=True, exist_ok=True)
        tmp = self.conf.with_suffix(".conf.tmp")
        tmp.write_text(self.render(listen, upstream, **identity))  # type: ignore[arg-type]
        os.replace(tmp, self.conf)

    def serving(self, ports: Iterable[int], scope: str, env: str) -> Serving | None:
        """What this environment's running nginx has loaded, asked on each candidate port."""
        if self.pid() is None:
            return None
        for port in dict.fromkeys(p for p in ports if p):
            found = ask(port)
            if found is not None and (found.scope, found.env) == (scope, dns_label(env)):
                return found
        return None

    def workers(self) -> frozenset[Worker]:
        master = self.pid()
        return children(master) if master is not None else frozenset()

    def apply(self, listen: int, token: str, timeout: float = 15.0) -> None:
        """Start nginx, or test the config and reload it (old workers finish their requests);
        done once nginx answers with the new config's token."""
        before = self.workers()
        if self.pid() is None:
            done = proc.run(self._argv(), timeout=30)
            if done.returncode != 0:
                raise DeployFailed(
                    f"nginx did not start: {done.describe()}",
                    "see the error above; a port in use needs another environments.<env>.port",
                )
        else:
            test = proc.run(self._argv("-t"), timeout=30)
            if test.returncode != 0:
                raise DeployFailed(f"the generated nginx config does not load: {test.describe()}")
            done = proc.run(self._argv("-s", "reload"), timeout=30)
            if done.returncode != 0:
                raise DeployFailed(f"nginx reload failed: {done.describe()}")
        self._wait_loaded(listen, token, before, timeout)

    def _wait_loaded(
        self, listen: int, token: str, before: frozenset[Worker], timeout: float
    ) -> None:
        """Until nginx answers with `token` and no worker of the old config takes connections."""
        deadline = time.monotonic() + timeout
        while True:
            found = ask(listen, timeout=1.0)
            if found is not None and found.token == token and not accepting(before):
                return
            if time.monotonic() > deadline:
                raise DeployFailed(
                    f"nginx did not load the new config within {timeout:g}s "
                    f"(its error log ends: {self.error_tail() or '(empty)'})",
                    f"see {self.error_log}; a port in use needs another environments.<env>.port",
                )
            time.sleep(0.05)

    def error_tail(self, lines: int = 3) -> str:
        try:
            text = self.error_log.read_text(errors="replace")
        except OSError:
            return ""
        return " | ".join(text.strip().splitlines()[-lines:])

    def stop(self) -> None:
        pid = self.pid()
        if pid is None:
            return
        proc.run(self._argv("-s", "quit"), timeout=30)
        deadline = time.monotonic() + 10
        while self.pid() is not None and time.monotonic() < deadline:
            time.sleep(0.1)

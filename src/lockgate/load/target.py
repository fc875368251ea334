"""The target URL: an http(s) URL on this machine (unless `allow_remote`), reachable before a run."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from lockgate.errors import LockgateError

REMOTE_HINT = (
    "point the stage at a service on this machine (127.0.0.1, ::1 or localhost), or set "
    "allow_remote = true in [stages.load] if you mean to load-test that host"
)


def checked_url(url: str, *, allow_remote: bool) -> str:
    """`url` without a trailing slash, or a LockgateError saying what is wrong with it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LockgateError(
            f"the load target '{url}' is not an http(s) URL with a host",
            hint="pass a URL such as http://127.0.0.1:8000 (`lockgate run --url URL`)",
        )
    if parts.query or parts.fragment:
        raise LockgateError(
            f"the load target '{url}' has a query or fragment",
            hint="pass the service's base URL; paths and queries belong in the scenario",
        )
    if not allow_remote and not is_loopback(parts.hostname):
        raise LockgateError(
            f"the load target '{url}' is not on this machine ({parts.hostname}); "
            "lockgate sends load only to loopback addresses unless allowed",
            hint=REMOTE_HINT,
        )
    return url.rstrip("/")


def is_loopback(host: str) -> bool:
    """True when every address `host` names is a loopback address (127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(
        ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in addresses
    )


def check_reachable(url: str, timeout: float = 10.0) -> None:
    """One GET of the base URL, no proxy: any HTTP answer will do; no answer is an error."""
    import urllib.error  # the HTTP client only when a URL is checked: loading stages stays cheap
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(urllib.request.Request(url + "/", method="GET"), timeout=timeout):
            return
    except urllib.error.HTTPError:
        return  # it answered (404, 500, ...): reachable
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise LockgateError(
            f"cannot reach the load target {url}: {reason}",
            hint="start the service (or deploy it) and pass its URL with `lockgate run --url URL`",
        ) from None

"""The team server's address: checked once, the same way for --report-to, [server] url and sync."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

TOKEN_ENV = "LOCKGATE_TOKEN"


def server_url(text: str) -> str:
    """The base URL of a lockgate server (`https://lockgate.example.org`, or one under a path
    prefix), without a trailing slash; ValueError saying what is wrong otherwise."""
    value = text.strip()
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            "an http:// or https:// URL of the lockgate server, e.g. https://lockgate.example.org"
        )
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            f"a URL without credentials: put the token in ${TOKEN_ENV}, never in the URL"
        )
    if parts.query or parts.fragment:
        raise ValueError("the server's base URL, without ?query or #fragment")
    netloc = parts.hostname if port is None else f"{parts.hostname}:{port}"
    if ":" in parts.hostname:  # an IPv6 address keeps its brackets
        netloc = f"[{parts.hostname}]" + ("" if port is None else f":{port}")
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def in_clear(url: str) -> bool:
    """Whether the token would cross a network unencrypted (http:// to anything but loopback)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "http" or host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True

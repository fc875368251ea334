"""The pages to check: the configured paths and a same-origin crawl; loopback unless allowed."""

from __future__ import annotations

import ipaddress
from urllib.parse import urldefrag, urljoin, urlsplit

from lockgate.errors import LockgateError

_NOT_PAGES = (
    ".pdf",
    ".zip",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".svg",
    ".css",
    ".js",
    ".ico",
    ".xml",
)


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, allow_remote: bool) -> str | None:
    """Why `url` cannot be checked, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"'{url}' is not an http(s) URL such as http://127.0.0.1:8000/"
    if not allow_remote and not is_loopback(url):
        return (
            f"'{url}' is not on this machine, and allow_remote is off: set"
            " [stages.accessibility] allow_remote = true to check a remote service"
        )
    return None


def require_url(url: str, *, allow_remote: bool) -> None:
    problem = check_url(url, allow_remote=allow_remote)
    if problem is not None:
        raise LockgateError(problem, hint="pass --url http://127.0.0.1:PORT/ (or deploy first)")


def start_pages(base: str, paths: list[str]) -> list[str]:
    """The base URL, then each configured path resolved against it (in order, no repeats)."""
    return list(dict.fromkeys([normal(base), *(normal(urljoin(base, p)) for p in paths)]))


def normal(url: str) -> str:
    return urldefrag(url)[0]


def same_origin_pages(base: str, links: list[str]) -> list[str]:
    """Links of a page worth crawling: same scheme, host and port as `base`, not a file."""
    origin = urlsplit(base)[:2]
    out = []
    for link in links:
        url = normal(link)
        parts = urlsplit(url)
        if parts[:2] == origin and not parts.path.lower().endswith(_NOT_PAGES):
            out.append(url)
    return out

"""POST one JSON record to the team server with the standard library only (fast to import).

Redirects are not followed: a redirected POST would lose its body or carry the bearer token to
another host. TLS certificates are verified (urllib's default).
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from lockgate import __version__

MAX_ANSWER = 64 * 1024  # the server's answers are one small JSON object


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]  # the server's JSON object; {} when it sent none
    location: str = ""  # where a 3xx pointed


class Unreachable(Exception):
    """No HTTP answer at all: refused, timed out, DNS, TLS."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError with the 3xx status


def post(url: str, body: bytes, *, token: str, key: str, timeout: float) -> Answer:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
            "User-Agent": f"lockgate/{__version__}",
        },
    )
    opener = urllib.request.build_opener(_NoRedirects())
    try:
        with opener.open(request, timeout=timeout) as response:
            return Answer(response.status, _json(response.read(MAX_ANSWER)))
    except urllib.error.HTTPError as exc:
        text = exc.read(MAX_ANSWER) if exc.fp is not None else b""
        return Answer(exc.code, _json(text), exc.headers.get("location", "") if exc.headers else "")
    except urllib.error.URLError as exc:
        raise Unreachable(_reason(exc.reason)) from None
    except (OSError, http.client.HTTPException) as exc:
        raise Unreachable(_reason(exc)) from None


def _json(text: bytes) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _reason(exc: object) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__

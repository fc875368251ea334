"""Run the service with uvicorn: `python -m app` (HOST defaults to 127.0.0.1, PORT to 8000)."""

from __future__ import annotations

import os
from collections.abc import Mapping

import uvicorn


def settings(env: Mapping[str, str] | None = None) -> tuple[str, int]:
    """Bind address and port from HOST and PORT; loopback unless told otherwise."""
    env = os.environ if env is None else env
    return env.get("HOST", "127.0.0.1"), int(env.get("PORT", "8000"))


def main() -> None:
    host, port = settings()
    uvicorn.run("app.main:app", host=host, port=port, proxy_headers=False)


if __name__ == "__main__":
    main()

"""Tool versions remembered across runs, keyed by the binary's identity (path, size, mtime).

Asking a scanner for its version means starting it (gitleaks, detect-secrets: 0.3 to 1 s each), and a
stage's cache key needs the version on every run. A warm run must not pay that: the answer is kept
in a small JSON file under the user's cache folder and asked again only when the binary changes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

ENV_VAR = "LOCKGATE_CACHE_DIR"
_MEMORY: dict[str, str] = {}


def cache_file() -> Path:
    base = os.environ.get(ENV_VAR) or os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    return Path(base).expanduser() / "lockgate" / "tool-versions.json"


def identity(binary: str) -> str | None:
    """path + size + mtime of the binary (symlinks followed), or None when it does not exist."""
    try:
        real = os.path.realpath(binary)
        st = os.stat(real)
    except (OSError, ValueError):
        return None
    return f"{real}\0{st.st_size}\0{st.st_mtime_ns}"


def version(binary: str, probe: Callable[[str], str]) -> str:
    """`probe(binary)`, remembered in memory and on disk while the binary stays the same."""
    key = identity(binary)
    if key is None:
        return "unknown"
    if key in _MEMORY:
        return _MEMORY[key]
    stored = _read()
    found = stored.get(key)
    if not isinstance(found, str):
        found = probe(binary)
        if found not in ("", "unknown"):  # a failed probe is asked again next time
            stored[key] = found
            _write(stored)
    _MEMORY[key] = found
    return found


def _read() -> dict[str, object]:
    try:
        data = json.loads(cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(data: dict[str, object]) -> None:
    path = cache_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs time

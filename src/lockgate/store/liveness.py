"""Who writes a row (host, pid, process start) and whether that process is still alive."""

from __future__ import annotations

import functools
import os
import socket
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int | None
    process_start: str | None  # "<boot id>:<start ticks>", None where /proc is absent


@functools.cache
def _host() -> str:
    return socket.gethostname()


@functools.cache
def _boot_id() -> str | None:
    try:
        return (_PROC / "sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (state first), or None."""
    try:
        raw = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return raw.rpartition(")")[2].split()


def process_start(pid: int) -> str | None:
    fields, boot = _stat(pid), _boot_id()
    if fields is None or boot is None or len(fields) < 20:
        return None
    return f"{boot}:{fields[19]}"  # field 22 of stat: start time in clock ticks since boot


def me() -> Owner:
    pid = os.getpid()
    return Owner(host=_host(), pid=pid, process_start=process_start(pid))


def is_gone(owner: Owner) -> bool:
    """True only when we can tell for sure: same host, and the process ended (or its pid was reused)."""
    if owner.host != _host() or owner.pid is None:
        return False
    try:
        os.kill(owner.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # exists, owned by someone else
    fields = _stat(owner.pid)
    if fields is not None and fields[0] in ("Z", "X"):
        return True  # killed, not yet reaped by its parent
    if owner.process_start is None:
        return False
    now = process_start(owner.pid)
    return now is not None and now != owner.process_start

"""One deploy per environment at a time: a lock file (pid, host, start) that outlives a crash."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from lockgate.errors import LockgateError
from lockgate.store import liveness

LOCK_NAME = "deploy.lock"
FRESH_SECONDS = 5.0  # an unreadable lock file younger than this may still be being written


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    started: str
    action: str = "deploy"
    process_start: str | None = None  # tells a reused pid from the holder

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, {self.action} since {self.started}"


def read_holder(path: Path) -> Holder | None:
    """The recorded holder, or None when the file is missing or unreadable (a stale lock)."""
    try:
        data = json.loads(path.read_text())
        return Holder(
            int(data["pid"]),
            str(data["host"]),
            str(data["started"]),
            str(data.get("action", "deploy")),
            data.get("process_start"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _create(filled: Path, path: Path) -> None:
    """Create `path` with the content of `filled`, atomically; FileExistsError when it exists."""
    try:
        os.link(filled, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: create, then write (a short window)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "w") as fh:
            fh.write(filled.read_text())


class EnvLock:
    """`with EnvLock(state_dir, "staging"):` — raise if another live process holds it, take over stale ones.

    A lock is stale when its holder ran on this host and is gone, or its file is unreadable.
    A holder on another host cannot be checked: it counts as live (remove the file by hand).
    """

    def __init__(self, state_dir: Path, environment: str, action: str = "deploy") -> None:
        self.path = state_dir / LOCK_NAME
        self.environment = environment
        self.action = action
        self.note: str | None = None  # set when a stale lock was taken over

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        owner = liveness.me()
        me = Holder(
            os.getpid(),
            owner.host,
            datetime.now(UTC).isoformat(timespec="seconds"),
            self.action,
            owner.process_start,
        )
        # written aside, then linked into place: the lock appears with its holder already in it,
        # so another process never reads a half-written (unreadable, "stale") lock and takes it
        tmp = self.path.with_name(f"{LOCK_NAME}.new-{os.getpid()}")
        tmp.write_text(json.dumps(me.__dict__))
        try:
            for _ in range(3):
                try:
                    _create(tmp, self.path)
                except FileExistsError:
                    self._handle_existing()
                    continue
                return
        finally:
            tmp.unlink(missing_ok=True)
        raise LockgateError(
            f"could not take the deploy lock of '{self.environment}'",
            where=str(self.path),
            hint="another deploy keeps taking it; retry",
        )

    def _handle_existing(self) -> None:
        holder = read_holder(self.path)
        if holder is None:
            if self._young():
                raise LockgateError(
                    f"environment '{self.environment}' is being locked by another process "
                    "(its lock file is not complete yet)",
                    where=str(self.path),
                    hint="wait for it to finish; a lock file that stays unreadable is taken "
                    f"over after {FRESH_SECONDS:g}s",
                )
            if not self.path.exists():
                return  # released meanwhile; retry creating
            holder = read_holder(self.path)  # it may have been completed meanwhile
        owner = liveness.Owner(holder.host, holder.pid, holder.process_start) if holder else None
        if holder is not None and owner is not None and not liveness.is_gone(owner):
            raise LockgateError(
                f"environment '{self.environment}' is locked by another {holder.action}: "
                f"{holder.describe()}",
                where=str(self.path),
                hint="wait for it to finish; if that process is gone, delete the lock file",
            )
        who = holder.describe() if holder else "an unreadable lock file"
        self.note = (
            f"took over a stale deploy lock of '{self.environment}' ({who}, no longer running)"
        )
        stale = self.path.with_name(f"{LOCK_NAME}.stale-{os.getpid()}")
        try:
            os.replace(self.path, stale)
            stale.unlink()
        except FileNotFoundError:
            pass  # someone else removed it first; retry creating

    def _young(self) -> bool:
        """An unreadable lock file this new may still be being written by a lockgate without
        the atomic write: a few re-reads, then it counts as held."""
        for _ in range(5):
            try:
                age = time.time() - self.path.stat().st_mtime
            except FileNotFoundError:
                return False
            if age >= FRESH_SECONDS:
                return False
            time.sleep(0.1)
            if read_holder(self.path) is not None:
                return False
        return True

    def release(self) -> None:
        holder = read_holder(self.path)
        if holder is not None and holder.pid == os.getpid():
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> EnvLock:
        self.acquire()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

"""Values computed from the store, kept until the store changes: the dashboard's cache.

Whether the store changed is read from the database itself, cheaply, before every use of a kept
value, so a page never shows numbers from before a write it could see (a deployment recorded by
the CLI, another server, or this server's ingest API):

- SQLite: `PRAGMA data_version` on a connection of the cache's own that never writes; it moves
  whenever any other connection, in any process, commits.
- PostgreSQL: the current snapshot (`pg_current_snapshot()`: the oldest running transaction, the
  next transaction id and the ones in progress); it moves when a transaction first writes and
  when it ends, so a value computed while a write was in flight is not kept past its commit.
  Requests on the event loop share these reads (SharedReads).

A kept value is also recomputed once it is MAX_AGE old, as the default window ("the last 90 days")
moves with the clock; the page shows the window it was computed for.

These two queries read no table: they belong in lockgate.store (a Store.data_version()), and move
there when that module takes them.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import sqlalchemy as sa

from lockgate.store import database

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")
MAX_AGE = timedelta(seconds=60)
MAX_ENTRIES = 128


class VersionSource(Protocol):
    @property
    def inline(self) -> bool: ...

    def current(self) -> Hashable: ...

    async def current_async(self) -> Hashable: ...


class StoreVersion:
    """A token that changes whenever the store behind `target` commits a change.

    The SQLite connection is opened read-write (mode=rw never creates the file) because a
    read-only one cannot open a WAL database whose -shm file is gone; it never writes.
    """

    def __init__(self, target: database.Target) -> None:
        self._target = target
        self._lock = threading.Lock()
        self._sqlite: sqlite3.Connection | None = None
        self._engine: sa.Engine | None = None
        self._async: tuple[asyncio.AbstractEventLoop, psycopg.AsyncConnection[Any]] | None = None

    @property
    def inline(self) -> bool:
        """Cheap enough to read on the event loop for every request (SQLite)."""
        return self._target.sqlite_path is not None

    def current(self) -> Hashable:
        if self._target.sqlite_path is not None:
            return self._sqlite_version()
        return self._pg_version()

    def _sqlite_version(self) -> Hashable:
        with self._lock:
            if self._sqlite is None:
                path = self._target.sqlite_path
                assert path is not None
                self._sqlite = sqlite3.connect(
                    f"{path.as_uri()}?mode=rw",
                    uri=True,
                    check_same_thread=False,
                    isolation_level=None,
                )
            row = self._sqlite.execute("PRAGMA data_version").fetchone()
            return ("sqlite", int(row[0]))

    def _pg_version(self) -> Hashable:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = database.create_engine(self._target)
        with self._engine.connect() as conn:
            snapshot = conn.execute(sa.text("SELECT pg_current_snapshot()::text")).scalar()
        return ("postgresql", str(snapshot))

    async def current_async(self) -> Hashable:
        """PostgreSQL's version read on the event loop, through an async connection of its own:
        a read through the thread pool would wait for the GIL behind the busy loop."""
        import psycopg

        loop = asyncio.get_running_loop()
        if self._async is None or self._async[0] is not loop or self._async[1].closed:
            dsn = self._target.url.set(drivername="postgresql")
            conn = await psycopg.AsyncConnection.connect(
                dsn.render_as_string(hide_password=False),
                autocommit=True,
                connect_timeout=database.CONNECT_TIMEOUT_S,
                application_name="lockgate",
            )
            self._async = (loop, conn)
        conn = self._async[1]
        try:
            cursor = await conn.execute("SELECT pg_current_snapshot()::text")
            row = await cursor.fetchone()
        except psycopg.OperationalError:
            self._async = None  # the next read connects again
            await conn.close()
            raise
        return ("postgresql", str(row[0] if row else None))

    async def aclose(self) -> None:
        if self._async is not None:
            conn, self._async = self._async[1], None
            await conn.close()

    def close(self) -> None:
        with self._lock:
            if self._sqlite is not None:
                self._sqlite.close()
                self._sqlite = None
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None


class SharedReads:
    """The store's version for requests on the event loop, one database round trip shared by all
    the requests that arrive while it is under way (PostgreSQL: a query per request would cost
    more than the page).

    Each caller gets a version read that started after it called, so it sees every commit made
    before its request, as a read of its own would: callers that arrive while a read is under
    way wait for the next one, which starts as soon as it ends. SQLite's version is read inline
    (a few microseconds, no round trip).
    """

    def __init__(self, version: VersionSource) -> None:
        self._version = version
        self._waiting: asyncio.Future[Hashable] | None = None
        self._reader: asyncio.Task[None] | None = None

    async def current(self) -> Hashable:
        if self._version.inline:
            return self._version.current()
        if self._waiting is None:
            self._waiting = asyncio.get_running_loop().create_future()
            if self._reader is None or self._reader.done():
                self._reader = asyncio.create_task(self._read())
        return await asyncio.shield(self._waiting)

    async def _read(self) -> None:
        while self._waiting is not None:
            served, self._waiting = self._waiting, None  # later callers wait for the next read
            try:
                served.set_result(await self._version.current_async())
            except Exception as exc:  # every waiter gets it (a store that went away)
                served.set_exception(exc)


@dataclass(frozen=True)
class _Entry:
    version: Hashable
    at: datetime
    value: Any


class Cache:
    """Computed values by key, each valid for one store version and at most MAX_AGE.

    One caller computes a missing value while the others asking for the same key wait for it
    (fifty clients opening the page at once cost one computation, not fifty). A computation may
    ask for other keys (a page for the four keys), never for its own.
    """

    def __init__(
        self,
        version: Callable[[], Hashable],
        now: Callable[[], datetime],
        max_age: timedelta = MAX_AGE,
        size: int = MAX_ENTRIES,
    ) -> None:
        self._version = version
        self._now = now
        self._max_age = max_age
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}  # key -> held while computing it

    def lookup(self, key: Hashable, version: Hashable) -> tuple[bool, Any]:
        """(True, the kept value) when it is fresh at `version` (the store's, read after the
        request arrived), else (False, None); never computes or waits.

        A value only older than MAX_AGE (the store unchanged) is still given while another
        caller computes its successor: it is right for the window it shows, and the requests
        meanwhile need not wait for the four keys.
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != version:
                return False, None
            if self._now() - entry.at < self._max_age or key in self._computing:
                self._entries.move_to_end(key)
                return True, entry.value
            return False, None

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        version = self._version()  # read before computing: a commit during it is seen next time
        kept = self._fresh(key, version)
        if kept is not None:
            return kept.value  # type: ignore[no-any-return]
        with self._lock:
            one = self._computing.setdefault(key, threading.Lock())
        with one:
            kept = self._fresh(key, version)
            if kept is not None:
                return kept.value  # type: ignore[no-any-return]
            try:
                at = self._now()
                value = compute()
                with self._lock:
                    self._entries[key] = _Entry(version, at, value)
                    self._entries.move_to_end(key)
                    while len(self._entries) > self._size:
                        self._entries.popitem(last=False)
            finally:
                with self._lock:  # later callers find the entry (or compute after an error)
                    self._computing.pop(key, None)
            return value

    def _fresh(self, key: Hashable, version: Hashable) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != version:
                return None
            if self._now() - entry.at >= self._max_age:
                return None
            self._entries.move_to_end(key)
            return entry

"""Which database the store uses, how to connect to it, and its errors as LockgateErrors (no passwords)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import exc as sa_exc

from lockgate.errors import ExitCode, LockgateError

ENV_VAR = "LOCKGATE_DATABASE_URL"
DEFAULT_PATH = Path(".lockgate") / "lockgate.db"
BUSY_TIMEOUT_S = 30
CONNECT_TIMEOUT_S = 10
URL_FORM = "postgresql://USER:PASSWORD@HOST:PORT/DBNAME"
_WRITE = "lockgate_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)


@dataclass(frozen=True)
class Target:
    """A resolved store location; `label` is safe to print (never holds a password)."""

    url: sa.URL
    label: str
    sqlite_path: Path | None = None
    source: str = f"${ENV_VAR}"  # where the URL came from, for error messages

    @property
    def is_sqlite(self) -> bool:
        return self.sqlite_path is not None


def resolve(project_root: Path, url: str | None = None) -> Target:
    """Explicit url > $LOCKGATE_DATABASE_URL > `<project>/.lockgate/lockgate.db`.

    postgresql:// and postgres:// URLs use psycopg 3; a relative sqlite:/// path is taken
    relative to the project.
    """
    if url is None:
        url = os.environ.get(ENV_VAR) or None
        source = f"${ENV_VAR}"
    else:
        source = "the database URL"
    if url is None:
        return _sqlite_target(project_root / DEFAULT_PATH)
    return _parse(url, source, project_root)


def _parse(raw: str, source: str, project_root: Path) -> Target:
    try:
        url = sa.make_url(raw)
    except (sa_exc.ArgumentError, ValueError):
        raise LockgateError(
            f"cannot parse {source} (value not shown: it may hold a password)",
            hint=f"use {URL_FORM} or sqlite:///PATH",
        ) from None
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        if backend == "postgres" or url.drivername in ("postgresql", "postgresql+psycopg2"):
            url = url.set(drivername="postgresql+psycopg")  # psycopg 3 is the driver lockgate ships
        return Target(url=url, label=_pg_label(url), source=source)
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise LockgateError(
                f"{source} names an in-memory SQLite database; runs would vanish on exit",
                hint="use sqlite:///PATH/TO/lockgate.db or unset it for the default store",
            )
        return _sqlite_target(project_root / Path(url.database))
    raise LockgateError(
        f"{source} uses the unsupported database '{backend}'",
        hint=f"lockgate stores runs in SQLite (default) or PostgreSQL: {URL_FORM}",
    )


def _sqlite_target(path: Path) -> Target:
    path = path.absolute()
    return Target(
        url=sa.URL.create("sqlite", database=str(path)), label=str(path), sqlite_path=path
    )


def _pg_label(url: sa.URL) -> str:
    user = f"{url.username}@" if url.username else ""
    return f"PostgreSQL {user}{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def create_engine(target: Target) -> sa.Engine:
    if target.sqlite_path is not None:
        return _sqlite_engine(target.sqlite_path, target)
    try:
        return sa.create_engine(
            target.url,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "lockgate"},
            pool_size=2,
        )
    except (ImportError, sa_exc.NoSuchModuleError):
        raise LockgateError(
            f"no driver for the store on {target.label} ({target.url.drivername})",
            where=target.source,
            hint="install PostgreSQL support with: pip install 'lockgate[postgres]' "
            f"and use a plain {URL_FORM}",
        ) from None


def _sqlite_engine(path: Path, target: Target) -> sa.Engine:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LockgateError(
            f"cannot create the store's folder: {exc.strerror}",
            where=str(folder),
            hint=f"move aside the file that is in the way, or set {ENV_VAR} to a store elsewhere",
        ) from None
    if path.is_dir():
        raise LockgateError(
            "the store is a directory, not a database file",
            where=str(path),
            hint=f"move it aside (mv {path} {path}.bak) and rerun",
        )
    engine = sa.create_engine(target.url, connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions start (so DDL is transactional).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")  # with WAL: consistent after any crash
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _sqlite_on_begin(conn: sa.Connection) -> None:
    # A writer takes the lock up front: a deferred transaction that later writes can fail with
    # SQLITE_BUSY at once in WAL mode instead of waiting for the busy timeout.
    immediate = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def connect(engine: sa.Engine, target: Target, *, write: bool) -> Iterator[sa.Connection]:
    """One transaction: commits when the block ends, rolls back on error; DB errors → LockgateError."""
    with guard(target), engine.connect() as conn:
        if write:
            conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


@contextmanager
def guard(target: Target) -> Iterator[None]:
    """Turn connection, file and lock problems into LockgateErrors; bugs (bad SQL) pass through."""
    try:
        yield
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as exc:
        raise translate(exc, target) from None
    except sa_exc.DatabaseError as exc:
        if type(exc) is sa_exc.DatabaseError:  # SQLite: "file is not a database" and friends
            raise translate(exc, target) from None
        raise


def translate(exc: sa_exc.DBAPIError, target: Target) -> LockgateError:
    detail = scrub(str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "", target)
    if target.sqlite_path is not None:
        return _sqlite_error(detail, target.sqlite_path)
    return LockgateError(
        f"cannot use the store on {target.label}: {detail}",
        where=target.source,
        hint=f"start the server or fix {ENV_VAR} ({URL_FORM}); unset it to use the local SQLite store",
    )


def _sqlite_error(detail: str, path: Path) -> LockgateError:
    aside = f"move it aside (mv {path} {path}.broken) and rerun: lockgate starts a fresh store"
    lowered = detail.lower()
    if "not a database" in lowered:
        return LockgateError(
            "not a lockgate store (not an SQLite database)", where=str(path), hint=aside
        )
    if "malformed" in lowered or "corrupt" in lowered:
        return LockgateError(f"the store is damaged ({detail})", where=str(path), hint=aside)
    if "locked" in lowered or "busy" in lowered:
        return LockgateError(
            f"the store stayed locked by another lockgate process for {BUSY_TIMEOUT_S} s",
            where=str(path),
            hint="wait for the other run to finish (or stop it), then rerun",
        )
    return LockgateError(
        f"cannot use the store: {detail}",
        where=str(path),
        hint=f"check that the file and its folder are writable, or set {ENV_VAR}",
        exit_code=ExitCode.BAD_INPUT,
    )


def scrub(text: str, target: Target) -> str:
    """Remove the URL and its password from a driver message."""
    for secret in (target.url.render_as_string(hide_password=False), target.url.password):
        if secret:
            text = text.replace(str(secret), "***")
    return text

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

from lockgate import fsread
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
    # True only for lockgate's own `.lockgate/lockgate.db`: a file the user pointed lockgate at
    # is never something to suggest moving aside.
    owned: bool = False

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
        return _sqlite_target(project_root / DEFAULT_PATH, owned=True)
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
        _check_host(url.host, source)
        return Target(url=url, label=_pg_label(url), source=source)
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise LockgateError(
                f"{source} names an in-memory SQLite database; runs would vanish on exit",
                hint="use sqlite:///PATH/TO/lockgate.db or unset it for the default store",
            )
        if "\0" in url.database:
            raise LockgateError(
                f"{source} names an SQLite file whose path holds a NUL character",
                hint="use sqlite:///PATH/TO/lockgate.db",
            )
        return _sqlite_target(project_root / Path(url.database))
    raise LockgateError(
        f"{source} uses the unsupported database '{backend}'",
        hint=f"lockgate stores runs in SQLite (default) or PostgreSQL: {URL_FORM}",
    )


def _check_host(host: str | None, source: str) -> None:
    """A DNS name the resolver will take: labels of 1-63 characters, 253 in all (IP addresses pass)."""
    for name in (host or "").split(","):  # libpq accepts a comma-separated list of hosts
        if not name or ":" in name or name.startswith("/"):  # IPv6 literal or a socket folder
            continue
        labels = name.removesuffix(".").split(".")
        problem = None
        if len(name) > 253:
            problem = f"is {len(name)} characters long (at most 253)"
        elif any(len(label) > 63 for label in labels):
            problem = "has a label (the part between dots) longer than 63 characters"
        elif not all(labels):
            problem = "has an empty label (two dots in a row)"
        else:
            try:
                name.encode("idna")
            except UnicodeError:
                problem = "is not a valid host name"
        if problem:
            shown = name if len(name) <= 60 else name[:57] + "..."
            raise LockgateError(
                f"the host name {shown!r} in {source} {problem}",
                hint=f"use {URL_FORM} with the server's real host name or IP address",
            )


def _sqlite_target(path: Path, *, owned: bool = False) -> Target:
    path = path.absolute()
    return Target(
        url=sa.URL.create("sqlite", database=str(path)),
        label=str(path),
        sqlite_path=path,
        owned=owned,
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
            hide_parameters=True,  # an error message must never carry the data it was writing
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
            hint=f"move it aside (mv {path} {path}.bak) and rerun"
            if target.owned
            else f"point {ENV_VAR} at a lockgate store file (sqlite:///PATH/lockgate.db)",
        )
    if path.exists() and not fsread.is_regular(path):
        raise LockgateError(
            "the store is not a regular file (a device, FIFO or socket)",
            where=str(path),
            hint=f"point {ENV_VAR} at a lockgate store file (sqlite:///PATH/lockgate.db)",
        )
    engine = sa.create_engine(
        target.url, connect_args={"timeout": BUSY_TIMEOUT_S}, hide_parameters=True
    )
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


# SQLSTATEs that mean "this role may not do that here": the server's configuration, not a bug.
_NOT_ALLOWED = {
    "42501": "lacks a privilege it needs",  # insufficient_privilege
    "25006": "may only read here (a read-only role, transaction or standby server)",
}


class StoreBug(RuntimeError):
    """A statement the store rejected for a reason that is lockgate's fault (exit 3).

    Its message is the driver's one-line reason only: never the SQL or its parameters,
    which may hold findings, paths or tokens; the original stays chained for LOCKGATE_DEBUG.
    """


class Conflict(StoreBug):
    """A row that breaks a unique or foreign key: the caller may know what it means."""


@contextmanager
def guard(target: Target) -> Iterator[None]:
    """Turn connection, file, lock and privilege problems into LockgateErrors; a bug (bad SQL)
    becomes a StoreBug that shows neither the statement nor its parameters."""
    try:
        yield
    except sa_exc.DBAPIError as exc:
        if _sqlstate(exc) in _NOT_ALLOWED:
            raise _not_allowed(exc, target) from None
        if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError) or (
            type(exc) is sa_exc.DatabaseError  # SQLite: "file is not a database" and friends
        ):
            raise translate(exc, target) from None
        if isinstance(exc, sa_exc.IntegrityError):
            raise Conflict(f"the store refused a duplicate: {_detail(exc, target)}") from exc
        raise StoreBug(f"the store rejected a statement: {_detail(exc, target)}") from exc
    except sa_exc.StatementError as exc:  # raised before the driver saw it: no SQL here either
        raise StoreBug(
            f"the store could not prepare a statement: {scrub(str(exc.orig), target)}"
        ) from exc
    except UnicodeError as exc:  # the driver could not encode the host name
        raise LockgateError(
            f"cannot reach the store on {target.label}: {exc}",
            where=target.source,
            hint=f"fix the host name in {ENV_VAR} ({URL_FORM})",
        ) from None


def _sqlstate(exc: sa_exc.DBAPIError) -> str | None:
    state = getattr(exc.orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def _detail(exc: sa_exc.DBAPIError, target: Target) -> str:
    text = str(exc.orig).strip()
    return scrub(text.splitlines()[0] if text else type(exc.orig).__name__, target)


def _not_allowed(exc: sa_exc.DBAPIError, target: Target) -> LockgateError:
    role = target.url.username or "the connecting role"
    what = _NOT_ALLOWED[_sqlstate(exc) or ""]
    return LockgateError(
        f"the PostgreSQL role {role!r} {what} on {target.label}: {_detail(exc, target)}",
        where=target.source,
        hint="lockgate reads and writes its own tables (and creates them on first use): grant the "
        "role SELECT, INSERT, UPDATE, DELETE on them and CREATE on the schema, or set "
        f"{ENV_VAR} to a role that has them; `lockgate history` and `report` only read",
    )


def translate(exc: sa_exc.DBAPIError, target: Target) -> LockgateError:
    detail = scrub(str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "", target)
    if target.sqlite_path is not None:
        return _sqlite_error(detail, target.sqlite_path, owned=target.owned)
    return LockgateError(
        f"cannot use the store on {target.label}: {detail}",
        where=target.source,
        hint=f"start the server or fix {ENV_VAR} ({URL_FORM}); unset it to use the local SQLite store",
    )


def _sqlite_error(detail: str, path: Path, *, owned: bool = True) -> LockgateError:
    if owned:
        aside = f"move it aside (mv {path} {path}.broken) and rerun: lockgate starts a fresh store"
    else:  # the user named this file: say what is wrong, never suggest moving it
        aside = (
            f"{ENV_VAR} names a file that is not a lockgate store: point it at an existing "
            "lockgate store or at a new file (sqlite:///PATH/lockgate.db), or unset it"
        )
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

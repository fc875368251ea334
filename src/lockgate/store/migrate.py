"""Bring a store to the newest schema with Alembic, configured from code; skip Alembic when already there."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from lockgate.errors import LockgateError
from lockgate.store.database import ENV_VAR, Target

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0003"  # newest revision in migrations/versions/ (a test checks they agree)
MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
_PG_LOCK_KEY = 0x6C6F636B  # advisory lock: one upgrader at a time on a shared server


def current_revision(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def alembic_config(conn: sa.Connection | None = None) -> Config:
    """Alembic settings without an alembic.ini; `conn` is the connection env.py migrates."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    cfg.attributes["connection"] = conn
    return cfg


def is_current(conn: sa.Connection) -> bool:
    """The fast path of Store.open: one cheap query, Alembic not even imported."""
    return current_revision(conn) == HEAD


def upgrade(conn: sa.Connection, target: Target) -> None:
    """Run `upgrade head` inside the caller's (write) transaction, serialised against other upgraders."""
    from alembic.util.exc import CommandError

    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    revision = current_revision(conn)  # again: another process may have upgraded meanwhile
    if revision == HEAD:
        return
    if revision is None and target.is_sqlite and _foreign_tables(conn):
        raise LockgateError(
            "this SQLite database is not a lockgate store (it has other tables)",
            where=target.label,
            hint=(
                "move it aside and rerun, or point lockgate elsewhere with " + ENV_VAR
                if target.owned
                else f"point {ENV_VAR} at a lockgate store or a new file, or unset it"
            ),
        )
    from alembic import command

    try:
        command.upgrade(alembic_config(conn), "head")
    except CommandError:
        raise LockgateError(
            f"the store has schema revision {revision!r}, which this lockgate does not know",
            where=target.label,
            hint="a newer lockgate wrote it: upgrade lockgate, or use another store",
        ) from None


def _foreign_tables(conn: sa.Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names()) - {VERSION_TABLE}

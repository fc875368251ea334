"""Alembic env: runs migrations on the connection lockgate.store.migrate hands over."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context

from lockgate.store.schema import Base, SafeText, UTCDateTime


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Write lockgate's column types as plain SQLAlchemy types in new revisions."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, SafeText):
        return "sa.Text()"
    return False


def _run() -> None:
    if context.is_offline_mode():
        raise RuntimeError(
            "lockgate's store migrations run online only (see lockgate.store.migrate)"
        )
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        render_item=_render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_run()

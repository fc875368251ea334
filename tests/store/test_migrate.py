"""Alembic migrations: upgrade from empty, head matches the metadata, fast path at head, foreign revisions."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from lockgate.errors import LockgateError
from lockgate.store import Store, database, migrate
from lockgate.store.schema import Base
from tests.testing.harness import REPO

TABLES = {
    "runs",
    "stage_results",
    "findings",
    "test_cases",
    "deployments",
    "incidents",
    "metric_points",
}


def _engine(tmp_path: Path, url: str) -> sa.Engine:
    return database.create_engine(database.resolve(tmp_path, url))


def test_head_constant_is_the_newest_migration() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_heads() == [migrate.HEAD]


def test_upgrade_from_empty_creates_every_table_and_matches_the_metadata(
    tmp_path: Path, database_url: str
) -> None:
    Store.open(tmp_path, database_url).close()
    engine = _engine(tmp_path, database_url)
    try:
        with engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.HEAD
            assert set(sa.inspect(conn).get_table_names()) >= TABLES
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_again(tmp_path: Path, database_url: str) -> None:
    Store.open(tmp_path, database_url).close()
    engine = _engine(tmp_path, database_url)
    try:
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "base")
        with engine.connect() as conn:
            assert not TABLES & set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()
    Store.open(tmp_path, database_url).close()


def test_opening_a_current_store_does_not_load_alembic(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    probe = (
        "import sys; from pathlib import Path; from lockgate.store import Store; "
        "Store.open(Path(sys.argv[1])).close(); print('alembic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    assert done.stdout.split() == ["False"]  # the time it saves is measured in bench/


def test_a_store_from_a_newer_lockgate_is_a_user_error(tmp_path: Path, database_url: str) -> None:
    Store.open(tmp_path, database_url).close()
    engine = _engine(tmp_path, database_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        engine.dispose()
    with pytest.raises(LockgateError, match="'9999'") as got:
        Store.open(tmp_path, database_url)
    assert "newer lockgate" in (got.value.hint or "")


def test_concurrent_first_opens_both_succeed(tmp_path: Path, database_url: str) -> None:
    errors: list[BaseException] = []

    def open_once() -> None:
        try:
            Store.open(tmp_path, database_url).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with Store.open(tmp_path, database_url) as store:
        assert store.list_runs() == []

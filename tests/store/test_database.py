"""Where the store lives and what the user sees when it is unusable (never a traceback or a password)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from lockgate.errors import ExitCode, LockgateError
from lockgate.model import Run, RunStatus
from lockgate.store import Store, database
from tests.testing.harness import REPO

SECRET = "s3cr" + "et-pw-" + "9f2c"  # built at run time: a fake, not a credential


def test_default_store_is_sqlite_in_the_project(tmp_path: Path) -> None:
    target = database.resolve(tmp_path)
    assert target.sqlite_path == tmp_path / ".lockgate" / "lockgate.db"


def test_explicit_url_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(database.ENV_VAR, "postgresql://team@db.internal/lockgate")
    assert database.resolve(tmp_path).url.host == "db.internal"
    assert database.resolve(tmp_path, f"sqlite:///{tmp_path}/x.db").sqlite_path == tmp_path / "x.db"


def test_relative_sqlite_paths_are_relative_to_the_project(tmp_path: Path) -> None:
    assert (
        database.resolve(tmp_path, "sqlite:///runs/store.db").sqlite_path
        == tmp_path / "runs" / "store.db"
    )


@pytest.mark.parametrize(
    "raw",
    [
        "postgresql://u:pw@h:5433/db",
        "postgres://u:pw@h:5433/db",
        "postgresql+psycopg2://u:pw@h:5433/db",
        "postgresql+psycopg://u:pw@h:5433/db",
    ],
)
def test_postgresql_urls_use_psycopg_3(tmp_path: Path, raw: str) -> None:
    target = database.resolve(tmp_path, raw)
    assert target.url.drivername == "postgresql+psycopg"
    assert (target.url.host, target.url.port, target.url.database) == ("h", 5433, "db")
    assert target.label == "PostgreSQL u@h:5433/db"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("mysql://u@h/db", "unsupported database 'mysql'"),
        ("sqlite://", "in-memory"),
        (f"postgresql://u:{SECRET}@h:99x/db", "cannot parse"),
        (f"::{SECRET}::", "cannot parse"),
    ],
)
def test_bad_urls_are_user_errors_that_hide_the_value(
    tmp_path: Path, raw: str, message: str
) -> None:
    with pytest.raises(LockgateError, match=message) as got:
        database.resolve(tmp_path, raw)
    assert SECRET not in got.value.render()
    assert got.value.exit_code is ExitCode.BAD_INPUT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_postgresql_names_host_and_port_but_not_the_password(tmp_path: Path) -> None:
    port = _free_port()  # nothing listens there once the socket is closed
    with pytest.raises(LockgateError) as got:
        Store.open(tmp_path, f"postgresql://lockgate:{SECRET}@127.0.0.1:{port}/runs")
    text = got.value.render()
    assert f"127.0.0.1:{port}" in text and SECRET not in text
    assert got.value.hint is not None and database.ENV_VAR in got.value.hint


def test_a_text_file_in_place_of_the_store_is_a_user_error(tmp_path: Path) -> None:
    db = tmp_path / ".lockgate" / "lockgate.db"
    db.parent.mkdir()
    db.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(LockgateError) as got:
        Store.open(tmp_path)
    assert got.value.where == str(db)
    assert got.value.hint is not None and "move it aside" in got.value.hint
    assert db.read_text().startswith("these are my notes")  # left untouched


def test_a_damaged_store_is_a_user_error(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    db = tmp_path / ".lockgate" / "lockgate.db"
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    db.write_bytes(bytes(data))
    with pytest.raises(LockgateError) as got:
        Store.open(tmp_path)
    assert got.value.where == str(db) and "move it aside" in (got.value.hint or "")


def test_a_file_where_the_store_folder_should_be_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / ".lockgate").write_text("oops")
    with pytest.raises(LockgateError, match="cannot create the store's folder"):
        Store.open(tmp_path)


def test_a_folder_where_the_store_file_should_be_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / ".lockgate" / "lockgate.db").mkdir(parents=True)
    with pytest.raises(LockgateError, match="directory"):
        Store.open(tmp_path)


def test_another_apps_sqlite_database_is_not_taken_over(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    with pytest.raises(LockgateError, match="not a lockgate store"):
        Store.open(tmp_path, f"sqlite:///{db}")


def test_sqlite_store_uses_wal(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    with sqlite3.connect(tmp_path / ".lockgate" / "lockgate.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_cli_reports_a_broken_store_without_a_traceback(tmp_path: Path) -> None:
    db = tmp_path / ".lockgate" / "lockgate.db"
    db.parent.mkdir()
    db.write_text("not a database")
    env = {k: v for k, v in os.environ.items() if k not in ("LOCKGATE_DEBUG", database.ENV_VAR)}
    done = subprocess.run(
        [sys.executable, "-m", "lockgate", "history", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env=env,
    )
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    assert str(db) in done.stderr and "move it aside" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_postgresql_driver_lockgate_does_not_ship_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(LockgateError, match="no driver") as got:
        Store.open(tmp_path, f"postgresql+asyncpg://u:{SECRET}@127.0.0.1/db")
    assert SECRET not in got.value.render() and "lockgate[postgres]" in (got.value.hint or "")


def test_unreachable_server_from_the_environment_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(database.ENV_VAR, f"postgresql://u:{SECRET}@127.0.0.1:{_free_port()}/db")
    with pytest.raises(LockgateError) as got:
        Store.open(tmp_path)
    assert got.value.where == f"${database.ENV_VAR}" and SECRET not in got.value.render()


# --- bad input: exit 2 with a reason, never an internal error ------------------------------------


@pytest.mark.parametrize(
    ("host", "says"),
    [
        ("a" * 100 + ".example", "longer than 63"),
        ("a" * 100, "longer than 63"),
        (".".join(["abc"] * 70), "at most 253"),
        ("db..internal", "empty label"),
    ],
    ids=["long-label", "long-single-label", "long-name", "empty-label"],
)
def test_a_host_name_no_resolver_takes_is_a_user_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, host: str, says: str
) -> None:
    monkeypatch.setenv(database.ENV_VAR, f"postgresql://u:{SECRET}@{host}:5432/db")
    with pytest.raises(LockgateError, match=says) as got:
        Store.open(tmp_path)
    assert got.value.exit_code is ExitCode.BAD_INPUT
    assert database.ENV_VAR in got.value.message and SECRET not in got.value.render()


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "db.internal", "db-1.team.example."])
def test_ordinary_host_names_and_addresses_are_accepted(tmp_path: Path, host: str) -> None:
    assert database.resolve(tmp_path, f"postgresql://u@{host}:5432/db").url.host


def test_a_file_the_user_named_is_never_suggested_to_be_moved(tmp_path: Path) -> None:
    notes = tmp_path / "passwd"
    notes.write_text("root:x:0:0:root:/root:/bin/bash\n")
    with pytest.raises(LockgateError, match="not a lockgate store") as got:
        Store.open(tmp_path, f"sqlite:///{notes}")
    hint = got.value.hint or ""
    assert "mv " not in hint and "move" not in hint, hint
    assert database.ENV_VAR in hint
    assert notes.read_text() == "root:x:0:0:root:/root:/bin/bash\n"


def test_a_device_named_as_the_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LockgateError, match="not a regular file") as got:
        Store.open(tmp_path, "sqlite:////dev/null")
    assert "mv " not in (got.value.hint or "")


def test_a_store_bug_shows_neither_the_statement_nor_its_parameters(tmp_path: Path) -> None:
    target = database.resolve(tmp_path)
    Store.open(tmp_path).close()
    engine = database.create_engine(target)
    try:
        with (
            pytest.raises(database.StoreBug) as got,
            database.connect(engine, target, write=True) as conn,
        ):
            # runs.project may not be NULL: SQLite's IntegrityError, a statement lockgate got wrong
            conn.execute(sa.text("INSERT INTO runs (id) VALUES (:x)"), {"x": SECRET})
    finally:
        engine.dispose()
    assert "NOT NULL" in str(got.value)  # the driver's reason stays
    assert SECRET not in str(got.value) and "INSERT" not in str(got.value)
    assert SECRET not in str(got.value.__cause__)  # not even in the LOCKGATE_DEBUG traceback


# --- PostgreSQL roles that may not do everything --------------------------------------------------


@pytest.fixture
def role_url(postgres_url: str, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Make a login role on the test server (migrated store as the admin first); its URL."""
    import psycopg

    admin = sa.make_url(postgres_url)
    Store.open(tmp_path, postgres_url).close()  # migrate as the admin
    made: list[str] = []

    def make(grants: str) -> str:
        name = f"lockgate_role_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'CREATE ROLE "{name}" LOGIN')
            made.append(name)
            for statement in grants.format(role=f'"{name}"').split(";"):
                if statement.strip():
                    conn.execute(statement)
        return admin.set(username=name).render_as_string(hide_password=False)

    yield make
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP OWNED BY "{name}"')
            conn.execute(f'DROP ROLE "{name}"')


def _run(run_id: str) -> Run:
    return Run(
        id=run_id,
        project="p",
        started=datetime(2026, 1, 1, tzinfo=UTC),
        status=RunStatus.RUNNING,
        branch=SECRET,
    )


@pytest.mark.postgres
def test_a_read_only_role_reads_and_is_told_clearly_it_cannot_write(
    tmp_path: Path, role_url: Callable[[str], str]
) -> None:
    url = role_url(
        "GRANT USAGE ON SCHEMA public TO {role}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"
    )
    with Store.open(tmp_path, url) as store:
        assert store.list_runs() == []  # reading works
        with pytest.raises(LockgateError) as got:
            store.begin_run(_run("r-readonly"))
    text = got.value.render()
    assert got.value.exit_code is ExitCode.BAD_INPUT
    assert "lacks a privilege" in text and "permission denied for table runs" in text
    assert "INSERT INTO" not in text and SECRET not in text and "r-readonly" not in text


@pytest.mark.postgres
def test_a_role_in_a_read_only_transaction_mode_is_told_so(
    tmp_path: Path, role_url: Callable[[str], str]
) -> None:
    url = role_url(
        "GRANT USAGE ON SCHEMA public TO {role};"
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};"
        "ALTER ROLE {role} SET default_transaction_read_only = on"
    )
    with Store.open(tmp_path, url) as store, pytest.raises(LockgateError) as got:
        store.begin_run(_run("r-ro-mode"))
    assert "may only read" in got.value.message
    assert SECRET not in got.value.render() and "INSERT INTO" not in got.value.render()


@pytest.mark.postgres
def test_an_unprivileged_role_is_a_user_error_naming_the_role(
    tmp_path: Path, role_url: Callable[[str], str]
) -> None:
    url = role_url("")  # may log in, nothing else
    with pytest.raises(LockgateError) as got, Store.open(tmp_path, url) as store:
        store.list_runs()
    assert got.value.exit_code is ExitCode.BAD_INPUT
    assert "lockgate_role_" in got.value.message and "lacks a privilege" in got.value.message
    assert got.value.where == "the database URL"


@pytest.mark.postgres
def test_an_unprivileged_role_cannot_create_the_store_and_says_so(
    tmp_path: Path, postgres_url: str
) -> None:
    import psycopg

    name = f"lockgate_role_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{name}" LOGIN')
    try:
        url = sa.make_url(postgres_url).set(username=name).render_as_string(hide_password=False)
        with pytest.raises(LockgateError, match="lacks a privilege") as got:
            Store.open(tmp_path, url)  # an empty database: the migration must create tables
        assert "CREATE" in (got.value.hint or "")
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY "{name}"')
            conn.execute(f'DROP ROLE "{name}"')

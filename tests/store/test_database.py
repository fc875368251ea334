"""Where the store lives and what the user sees when it is unusable (never a traceback or a password)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lockgate.errors import ExitCode, LockgateError
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

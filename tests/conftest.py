"""Shared fixtures: databases for the store (SQLite in a tmp dir, PostgreSQL from scripts/pg-test-server)."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from lockgate.store import Store

REPO = Path(__file__).resolve().parents[1]
PG_SCRIPT = REPO / "scripts" / "pg-test-server"
PG_ENV = "LOCKGATE_TEST_POSTGRES_URL"


@pytest.fixture(autouse=True)
def _no_team_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own LOCKGATE_DATABASE_URL must never receive test runs."""
    monkeypatch.delenv("LOCKGATE_DATABASE_URL", raising=False)
    # a CI push's range would make every secrets test scan history too
    for name in ("CI_COMMIT_BEFORE_SHA", "GITHUB_EVENT_PATH", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """URL of a PostgreSQL server for tests: $LOCKGATE_TEST_POSTGRES_URL, else one we start (and stop)."""
    given = os.environ.get(PG_ENV)
    if given:
        yield given
        return
    was_running = _pg_script("status").returncode == 0
    started = _pg_script("start", timeout=180)
    if started.returncode != 0:
        pytest.fail(
            f"PostgreSQL for the @pytest.mark.postgres tests did not start:\n{started.stderr.strip()}\n"
            "Install PostgreSQL 15 (apt-get install postgresql; scripts/bootstrap does it) or set "
            f"{PG_ENV} to a server's URL.",
            pytrace=False,
        )
    yield started.stdout.strip().splitlines()[-1]
    if not was_running:
        _pg_script("stop")


def _pg_script(command: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PG_SCRIPT), command], capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg
    import sqlalchemy as sa

    server = sa.make_url(postgres_server_url).set(drivername="postgresql")
    admin = server.render_as_string(hide_password=False)
    name = f"lockgate_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield server.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs twice: on a fresh SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'lockgate.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    """An open, migrated, empty store on both backends."""
    from lockgate.store import Store

    opened = Store.open(tmp_path, database_url)
    yield opened
    opened.close()

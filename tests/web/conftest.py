"""A project store with two services, hostile strings included, and a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from lockgate.model import Deployment, DeploymentStatus, Incident
from lockgate.store.delivery import ChangeRecord, ChangeSet
from lockgate.store.repository import Store
from lockgate.web.app import create_app
from lockgate.web.data import Dashboard
from tests.web.rundata import fill_runs

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
EVIL = '<script>alert("x")</script>'
H = 3600.0


def _fill(store: Store) -> None:
    base = NOW - timedelta(days=20)
    for i, status in enumerate(
        [DeploymentStatus.SUCCEEDED, DeploymentStatus.FAILED, DeploymentStatus.SUCCEEDED]
    ):
        at = base + timedelta(days=7 * i)
        dep = Deployment(
            "shop", "production", f"v{i}{EVIL}", f"{i:040x}", None, at, status, EVIL, at
        )
        dep_id = store.import_deployment(dep, f"t:{i}")
        assert dep_id is not None
        if status is DeploymentStatus.SUCCEEDED:
            change = ChangeRecord(f"c{i:039x}", at - timedelta(hours=5))
            store.save_change_set(ChangeSet(dep_id, "shop", "b", "complete", "", at), at, [change])
    opened = base + timedelta(days=15)
    store.add_incident(
        Incident("shop", "production", opened, opened + timedelta(hours=2), title=f"down {EVIL}")
    )
    evil_at = base + timedelta(days=1)
    evil = Deployment(
        EVIL, "production", "v1", None, None, evil_at, DeploymentStatus.SUCCEEDED, "t", evil_at
    )
    assert store.import_deployment(evil, "t:evil") is not None


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "lockgate.toml").write_text('[project]\nname = "shop"\n')
    with Store.open(root) as store:
        _fill(store)
    return root


@pytest.fixture
def client(project: Path) -> Iterator[TestClient]:
    app = create_app(Dashboard(project, lambda: NOW))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
def run_project(project: Path) -> Path:
    """The project with stored runs of shop and their report files (tests/web/rundata)."""
    with Store.open(project) as store:
        fill_runs(store, project, NOW)
    return project


@pytest.fixture
def run_client(run_project: Path) -> Iterator[TestClient]:
    app = create_app(Dashboard(run_project, lambda: NOW))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c

"""Team mode's POST /api/v1/runs: a finished run's results.json, stored once per run id."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from lockgate.model import Finding, Location, Run, RunStatus, Severity, StageResult, Status
from lockgate.reports.jsonreport import run_to_dict
from lockgate.store.repository import Store
from lockgate.web.app import create_app
from lockgate.web.data import Dashboard
from tests.web.conftest import NOW
from tests.web.test_ingest import AUTH, TOKEN


@pytest.fixture
def writer(project: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Dashboard(project, lambda: NOW), token=TOKEN)) as c:
        yield c


def a_run(run_id: str = "20260301T100000Z-a1b2c3", project: str = "shop") -> Run:
    finding = Finding(
        "lint", "ruff", "F401", "`os` imported but unused", Severity.LOW, "fp1", Location("a.py", 3)
    )
    return Run(
        id=run_id,
        project=project,
        started=NOW - timedelta(hours=1),
        finished=NOW - timedelta(minutes=58),
        status=RunStatus.FAILED,
        branch="main",
        commit="ab" * 20,
        results=(StageResult("lint", Status.FAILED, findings=(finding,), duration=1.5),),
    )


def body(run: Run, project_key: str | None = "github.com/acme/shop") -> dict[str, Any]:
    data = run_to_dict(run)
    if project_key is not None:
        data["run"]["project_key"] = project_key
    return data


def stored(project: Path, run_id: str) -> Run:
    with Store.open(project) as store:
        return store.get_run(run_id)


def test_a_run_is_recorded_with_its_findings_and_project_key(
    writer: TestClient, project: Path
) -> None:
    response = writer.post("/api/v1/runs", json=body(a_run()), headers=AUTH)
    assert (response.status_code, response.json()) == (201, {"id": "20260301T100000Z-a1b2c3"})
    run = stored(project, "20260301T100000Z-a1b2c3")
    assert run.project_key == "github.com/acme/shop" and run.status is RunStatus.FAILED
    assert [f.rule_id for f in run.results[0].findings] == ["F401"]


def test_the_same_run_again_is_a_duplicate_and_stored_once(
    writer: TestClient, project: Path
) -> None:
    first = writer.post("/api/v1/runs", json=body(a_run()), headers=AUTH)
    again = writer.post("/api/v1/runs", json=body(a_run()), headers=AUTH)
    assert first.status_code == 201
    assert (again.status_code, again.json()) == (200, {"duplicate": True})
    with Store.open(project) as store:
        assert [r.id for r in store.list_runs()].count("20260301T100000Z-a1b2c3") == 1


def test_another_projects_run_under_a_stored_id_is_a_conflict(writer: TestClient) -> None:
    assert writer.post("/api/v1/runs", json=body(a_run()), headers=AUTH).status_code == 201
    other = writer.post("/api/v1/runs", json=body(a_run(project="billing")), headers=AUTH)
    assert other.status_code == 409 and "another project" in other.json()["error"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"schema_version": 1}, "malformed results"),
        (body(replace(a_run(), status=RunStatus.RUNNING, finished=None)), "has not finished"),
        ([1, 2], "malformed results"),
    ],
)
def test_a_bad_run_is_refused_with_the_reason(writer: TestClient, data: Any, message: str) -> None:
    response = writer.post("/api/v1/runs", json=data, headers=AUTH)
    assert response.status_code == 400 and message in response.json()["error"]


def test_runs_need_the_token_and_a_bounded_body(writer: TestClient, project: Path) -> None:
    refused = writer.post("/api/v1/runs", json=body(a_run()), headers={"authorization": "Bearer x"})
    assert refused.status_code == 401
    with Store.open(project) as store:
        assert store.list_runs() == []
    huge = json.dumps(body(a_run())).encode() + b" " * (32 * 1024 * 1024)
    assert writer.post("/api/v1/runs", content=huge, headers=AUTH).status_code == 413

"""Team mode's write API: bearer token (constant-time), idempotent deliveries, checked bodies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from lockgate.store.repository import Store
from lockgate.web.app import create_app
from lockgate.web.data import Dashboard
from tests.web.conftest import NOW

TOKEN = "test-token-0123456789"
AUTH = {"authorization": f"Bearer {TOKEN}"}
DEPLOYMENT = {
    "service": "shop",
    "deployed_at": "2026-03-01T10:00:00Z",
    "commit": "abcdef1234",
    "version": "v9",
}


@pytest.fixture
def writer(project: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Dashboard(project, lambda: NOW), token=TOKEN)) as c:
        yield c


def _production(project: Path, service: str = "shop") -> list[str]:
    with Store.open(project) as store:
        return [d.version for d in store.environment_deployments("production", service)]


@pytest.mark.parametrize(
    "headers",
    [{}, {"authorization": "Bearer wrong"}, {"authorization": TOKEN}, {"authorization": "Basic x"}],
)
def test_writes_need_the_bearer_token(
    writer: TestClient, project: Path, headers: dict[str, str]
) -> None:
    before = _production(project)
    response = writer.post("/api/v1/deployments", json=DEPLOYMENT, headers=headers)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert _production(project) == before


def test_a_server_without_a_token_takes_no_writes(client: TestClient) -> None:
    response = client.post("/api/v1/deployments", json=DEPLOYMENT, headers=AUTH)
    assert response.status_code == 403 and "LOCKGATE_TOKEN" in response.json()["error"]


def test_a_resent_delivery_is_recorded_once(writer: TestClient, project: Path) -> None:
    headers = AUTH | {"idempotency-key": "ci-run-77"}
    first = writer.post("/api/v1/deployments", json=DEPLOYMENT, headers=headers)
    again = writer.post("/api/v1/deployments", json=DEPLOYMENT, headers=headers)
    assert first.status_code == 201 and isinstance(first.json()["id"], int)
    assert (again.status_code, again.json()) == (200, {"duplicate": True})
    assert _production(project).count("v9") == 1
    without_key = writer.post(
        "/api/v1/deployments", json=DEPLOYMENT | {"version": "v10"}, headers=AUTH
    )
    resent = writer.post("/api/v1/deployments", json=DEPLOYMENT | {"version": "v10"}, headers=AUTH)
    assert (without_key.status_code, resent.status_code) == (201, 200)


def test_an_incident_is_recorded_and_counts(writer: TestClient) -> None:
    body = {
        "service": "shop",
        "title": "checkout down",
        "opened_at": "2026-03-01T11:00:00Z",
        "resolved_at": "2026-03-01T12:00:00Z",
    }
    assert writer.post("/api/v1/incidents", json=body, headers=AUTH).status_code == 201
    listed = writer.get("/services/shop").text
    assert "checkout down" in listed


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/api/v1/deployments", {"deployed_at": "2026-03-01"}, "'service' is missing"),
        ("/api/v1/deployments", DEPLOYMENT | {"status": "great"}, "status 'great' is not one of"),
        (
            "/api/v1/deployments",
            DEPLOYMENT | {"comit": "x"},
            "unknown column 'comit' (did you mean 'commit'?)",
        ),
        ("/api/v1/deployments", [DEPLOYMENT], "expected one JSON object"),
        (
            "/api/v1/incidents",
            {
                "service": "shop",
                "title": "x",
                "opened_at": "2026-03-01T12:00Z",
                "resolved_at": "2026-03-01T11:00Z",
            },
            "an incident cannot be resolved before it opened",
        ),
        (
            "/api/v1/incidents",
            {"service": "shpo", "title": "x", "opened_at": "2026-03-01"},
            "unknown service 'shpo' (did you mean 'shop'?)",
        ),
    ],
)
def test_bad_bodies_are_refused_with_the_reason(
    writer: TestClient, path: str, body: object, message: str
) -> None:
    response = writer.post(path, json=body, headers=AUTH)
    assert response.status_code == 400 and message in response.json()["error"]


def test_a_body_that_is_not_json_is_refused(writer: TestClient) -> None:
    response = writer.post("/api/v1/deployments", content=b"{nope", headers=AUTH)
    assert response.status_code == 400 and response.json()["error"].startswith("not valid JSON")

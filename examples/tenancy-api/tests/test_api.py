"""The JSON API: health check, tenancy and rent-account look-ups, errors."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_ping(client: TestClient) -> None:
    response = client.get("/api/v1/healthcheck/ping")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_security_headers(client: TestClient) -> None:
    headers = client.get("/api/v1/healthcheck/ping").headers
    assert headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in headers["content-security-policy"]


def test_tenancy(client: TestClient) -> None:
    response = client.get("/api/v1/tenancies/TN000202")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == "TN000202"
    assert body["tenants"] == ["Sam Placeholder", "Jo Placeholder"]
    assert body["tenure"] == "Introductory"
    assert body["start_date"] == "2025-11-17"


def test_rent_account_in_arrears(client: TestClient) -> None:
    body = client.get("/api/v1/tenancies/TN000202/rent-account").json()
    assert body["weekly_rent"] == "121.75"
    assert body["balance"] == "265.25"
    assert body["in_arrears"] is True
    assert body["last_payment"] == {
        "posted": "2026-10-14",
        "description": "Payment - card",
        "amount": "-100.00",
    }
    assert len(body["transactions"]) == 4


def test_rent_account_in_credit(client: TestClient) -> None:
    body = client.get("/api/v1/tenancies/TN000303/rent-account").json()
    assert body["balance"] == "-32.90"
    assert body["in_arrears"] is False


def test_unknown_tenancy_is_404(client: TestClient) -> None:
    for path in ("/api/v1/tenancies/TN999999", "/api/v1/tenancies/TN999999/rent-account"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "No tenancy with reference TN999999"}


def test_malformed_reference_is_422(client: TestClient) -> None:
    for ref in ("tn000101", "TN1", "TN0001011", "%3Cscript%3E"):
        assert client.get(f"/api/v1/tenancies/{ref}").status_code == 422

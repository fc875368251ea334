"""The committed openapi.json matches the app; regenerate with `python -m app.export_openapi`."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from app import export_openapi

COMMITTED = Path(__file__).resolve().parent.parent / "openapi.json"


def test_committed_openapi_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == export_openapi.render(), (
        "openapi.json is out of date: run `python -m app.export_openapi`"
    )


def test_served_openapi_matches(client: TestClient) -> None:
    served = client.get("/openapi.json").json()
    assert served == json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert "/api/v1/tenancies/{reference}/rent-account" in served["paths"]


def test_export_writes_file(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    assert export_openapi.main([str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["info"]["title"] == "Tenancy API"

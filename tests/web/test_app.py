"""The dashboard through HTTP: pages, charts with tables, JSON API, /metrics, headers, escaping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from lockgate.cli.main import main
from tests.web.conftest import EVIL, H

PAGES = ["/", "/services/shop", f"/services/{EVIL}", "/services/nobody", "/?since=nonsense"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_escapes_what_the_store_holds(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert "<script" not in page.text
    assert page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    "path", [*PAGES, "/api/v1/metrics", "/metrics", "/static/style.css", "/api/v1/openapi.json"]
)
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert "script-src" not in headers["content-security-policy"]
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_the_services_page_shows_the_four_keys_with_named_levels(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'href="/services/shop"' in page.text
    assert "(2024: " in page.text and "DORA 2024 report" in page.text
    assert "&lt;script&gt;" in page.text  # the hostile service name, shown as text


def test_a_service_page_has_each_chart_with_a_text_alternative_and_a_table(
    client: TestClient,
) -> None:
    page = client.get("/services/shop")
    assert page.status_code == 200
    assert page.text.count('<svg class="chart" role="img"') == 4
    for title in ("Production deployments a week", "Lead time for changes, weekly median"):
        assert "<title id=" in page.text and title in page.text
        assert f"<caption>{title} (the chart's data)</caption>" in page.text
    assert "down &lt;script&gt;" in page.text  # the incident title
    for year in ("2019", "2021", "2023", "2024"):
        assert f'<th scope="col">{year}</th>' in page.text


def test_unknown_services_and_bad_windows_are_said_plainly(client: TestClient) -> None:
    missing = client.get("/services/nobody")
    assert missing.status_code == 404 and "No service named &#39;nobody&#39;" in missing.text
    bad = client.get("/?since=nonsense")
    assert bad.status_code == 400 and "is not a time" in bad.text
    api = client.get("/api/v1/metrics?service=nobody")
    assert api.status_code == 404 and api.json() == {"error": "no service named 'nobody'"}


def test_the_json_api_serves_the_metrics_document(
    client: TestClient, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = client.get("/api/v1/metrics?service=shop&since=2026-02-01&until=2026-03-01").json()
    assert (
        main(["metrics", str(project), "--since", "2026-02-01", "--until", "2026-03-01", "--json"])
        == 0
    )
    cli = json.loads(capsys.readouterr().out)
    # the same numbers; only the CLI reads git (here: not a repository, which it says)
    [served], [printed] = doc["services"], cli["services"]
    assert [w["what"] for w in printed.pop("warnings")] == ["git history of shop"]
    assert served.pop("warnings") == []
    assert served == printed
    assert doc["schema"] == "lockgate-metrics/1"
    assert sorted(client.get("/api/v1/services").json()["services"]) == sorted([EVIL, "shop"])
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/api/v1/metrics" in spec["paths"]


def test_metrics_are_valid_prometheus_text_with_the_four_keys(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = {
        (s.name, s.labels.get("service"), s.labels.get("quantile")): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }
    assert samples[("lockgate_dora_deployments", "shop", None)] == 2.0
    assert samples[("lockgate_dora_lead_time_seconds", "shop", "0.5")] == 5 * H
    # v1 failed; v2 caused the incident (the last live deployment before it opened): 2 of 3
    assert samples[("lockgate_dora_change_failure_rate", "shop", None)] == pytest.approx(2 / 3)
    # the incident: 2 h; v1 failed a week before v2 went live: 168 h; median 85 h
    assert samples[("lockgate_dora_time_to_restore_seconds", "shop", "0.5")] == 85 * H
    assert samples[("lockgate_dora_deployments", EVIL, None)] == 1.0
    assert ("lockgate_dora_change_failure_rate", EVIL, None) in samples


def test_the_pages_need_no_javascript_and_load_nothing_from_elsewhere(client: TestClient) -> None:
    for path in ("/", "/services/shop"):
        text = client.get(path).text
        assert "<script" not in text and " on" + "click=" not in text
        assert 'src="http' not in text and 'href="http://' not in text.replace(
            'href="https://dora.dev', ""
        )

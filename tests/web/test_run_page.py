"""The run page through HTTP: stages, findings filtered on the server, the test report with
failures first, downloads of that run's report files only, and every stored string escaped."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from lockgate.model import Deployment, DeploymentStatus, RunStatus
from lockgate.store.repository import Store
from tests.web.conftest import NOW
from tests.web.rundata import (
    EVIL,
    EVIL_FILE,
    EVIL_TEST,
    JUNIT_ONLY,
    NEWEST,
    OLDER,
    SECRET,
    SHA,
)

RUN = f"/runs/{NEWEST}"


def _rows(html: str, caption: str) -> list[str]:
    """The body rows of the table with `caption`, as text without tags."""
    table = html.split(f"<caption>{caption}", 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [re.sub(r"<[^>]+>", " ", row) for row in body.split("</tr>")[:-1]]


def test_the_run_page_shows_its_stages_findings_tests_and_downloads(run_client: TestClient) -> None:
    page = run_client.get(RUN)
    assert page.status_code == 200
    text = page.text
    stages = _rows(text, "Each stage of the run")
    assert [row.split()[0] for row in stages] == [
        "lint",
        "secrets",
        "test",
        "accessibility",
        "load",
    ]
    assert "1.2s" in stages[0] and "2 (1 open)" in stages[0]
    assert "yes" in stages[1]  # secrets came from the cache
    findings = _rows(text, "Findings, worst first")
    assert [row.split()[0] for row in findings] == ["high", "high", "medium", "low"]
    assert "4 of 4 findings" in text
    tests = _rows(text, "Tests, failures first")
    assert [row.split()[0] for row in tests] == ["failed", "skipped", "passed"]
    assert "3 tests: 1 failed, 0 errors, 1 skipped, 1 passed (stored with the run)" in text
    for label in ("SARIF 2.1.0", "JUnit XML", "HTML report"):
        assert label in text
    assert f'href="{RUN}/reports/sarif"' in text and "JSON results" not in text  # a symlink
    assert "line coverage</th><td>81.5%" in text and "load test p95</th><td>120 ms" in text
    assert 'href="/services/shop"' in text


def test_every_string_of_a_run_is_escaped(run_client: TestClient) -> None:
    for path in (RUN, f"{RUN}?stage=lint", f"{RUN}?severity=high", "/services/shop", "/"):
        text = run_client.get(path).text
        assert "<script" not in text, path
        assert "javascript:" not in text, path  # a finding's help link that is not http(s)
    text = run_client.get(RUN).text
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    assert f"bad code {escaped}" in text  # a finding message
    assert f"src/{escaped}.py:3" in text  # a file name
    assert f"tests.test_api::test_{escaped}" in text  # a test name
    assert f"feature/{escaped}" in text  # the branch
    assert 'href="https://example.org/rules/W1"' in text  # a safe help link stays a link


def test_findings_are_filtered_on_the_server_by_stage_and_severity(run_client: TestClient) -> None:
    lint = run_client.get(f"{RUN}?stage=lint").text
    assert [r.split()[1] for r in _rows(lint, "Findings, worst first")] == ["lint", "lint"]
    assert "2 of 4 findings match stage lint" in lint
    assert '<option value="lint" selected>' in lint
    high = run_client.get(f"{RUN}?severity=high").text
    assert {r.split()[1] for r in _rows(high, "Findings, worst first")} == {"lint", "test"}
    both = run_client.get(f"{RUN}?stage=lint&severity=low").text
    assert [r.split()[0] for r in _rows(both, "Findings, worst first")] == ["low"]
    assert '<option value="low" selected>' in both
    assert f'<a href="{RUN}#findings">Show all findings</a>' in both
    none = run_client.get(f"{RUN}?stage=secrets").text
    assert "0 of 4 findings match stage secrets" in none and "Findings, worst first" not in none
    # the matrix links each count to its filter
    assert f'href="{RUN}?stage=accessibility&amp;severity=medium#findings"' in lint
    everything = run_client.get(f"{RUN}?stage=&severity=").text  # the form's "all" choices
    assert "4 of 4 findings." in everything


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("stage=nope", "has no stage named &#39;nope&#39; (its stages: lint, secrets, test"),
        ("severity=urgent", "unknown severity &#39;urgent&#39;: use one of critical, high"),
        (f"stage={EVIL}", "has no stage named &#39;&lt;script&gt;"),
    ],
)
def test_unknown_filters_are_said_plainly(run_client: TestClient, query: str, said: str) -> None:
    page = run_client.get(f"{RUN}?{query}")
    assert page.status_code == 400 and said in page.text and "<script" not in page.text
    api = run_client.get(f"/api/v1/runs/{NEWEST}?{query}")
    assert api.status_code == 400 and "error" in api.json()


def test_the_downloads_are_that_runs_report_files(run_client: TestClient) -> None:
    sarif = run_client.get(f"{RUN}/reports/sarif")
    assert sarif.status_code == 200 and sarif.json()["version"] == "2.1.0"
    assert sarif.headers["content-type"].startswith("application/sarif+json")
    assert sarif.headers["content-disposition"].startswith("attachment;")
    assert f"lockgate-{NEWEST}-lockgate.sarif" in sarif.headers["content-disposition"]
    junit = run_client.get(f"{RUN}/reports/junit")
    assert junit.status_code == 200 and junit.text.startswith("<testsuites")
    html = run_client.get(f"{RUN}/reports/html")
    assert html.status_code == 200 and html.headers["content-disposition"].startswith("attachment")
    assert "default-src 'none'" in html.headers["content-security-policy"]


@pytest.mark.parametrize(
    "path",
    [
        f"{RUN}/reports/json",  # results.json is a symlink out of the folder
        f"{RUN}/reports/md",  # not a download
        f"{RUN}/reports/secret.txt",
        f"{RUN}/reports/..%2F..%2Fsecret.txt",
        f"{RUN}/reports/%2e%2e",
        "/runs/..%2F..%2F/reports/sarif",
        "/runs/../reports/sarif",
        "/runs/%2e%2e/reports/sarif",
        "/runs/nothing-here/reports/sarif",
        f"/runs/{OLDER}/reports/sarif",  # a run without report files here
    ],
)
def test_nothing_outside_a_runs_report_folder_is_served(run_client: TestClient, path: str) -> None:
    response = run_client.get(path)
    assert response.status_code == 404, path
    assert SECRET not in response.text


def test_a_symlinked_run_folder_is_not_followed(run_client: TestClient, project: Path) -> None:
    reports = project / ".lockgate" / "reports"
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "lockgate.sarif").write_text(SECRET)
    (reports / OLDER).symlink_to(elsewhere, target_is_directory=True)
    response = run_client.get(f"/runs/{OLDER}/reports/sarif")
    assert response.status_code == 404 and SECRET not in response.text
    assert "This server has no report files of this run" in run_client.get(f"/runs/{OLDER}").text


def test_the_test_report_falls_back_to_the_runs_junit_report(run_client: TestClient) -> None:
    text = run_client.get(f"/runs/{JUNIT_ONLY}").text
    assert "2 tests: 1 failed, 0 errors, 0 skipped, 1 passed" in text
    assert "(read from artifacts/test/junit.xml)" in text
    rows = _rows(text, "Tests, failures first")
    assert rows[0].split()[:2] == ["failed", "tests.test_x::test_broken"] and "boom" in rows[0]


def test_an_unknown_run_is_a_404(run_client: TestClient) -> None:
    page = run_client.get("/runs/nothing-here")
    assert page.status_code == 404 and "No run with id &#39;nothing-here&#39;" in page.text
    assert run_client.get("/api/v1/runs/nothing-here").status_code == 404


def test_the_run_json_has_the_same_data_and_is_in_the_openapi_document(
    run_client: TestClient,
) -> None:
    doc = run_client.get(f"/api/v1/runs/{NEWEST}?severity=high").json()
    assert doc["schema"] == "lockgate-run/1" and doc["run"]["commit"] == SHA
    assert [s["stage"] for s in doc["stages"]] == [
        "lint",
        "secrets",
        "test",
        "accessibility",
        "load",
    ]
    assert doc["findings_total"] == 4 and doc["findings_matched"] == 2
    assert {f["message"] for f in doc["findings"]} == {f"bad code {EVIL}", f"{EVIL_TEST} failed"}
    assert doc["findings"][0]["where"] == f"{EVIL_FILE}:3"
    assert [c["outcome"] for c in doc["tests"]["cases"]] == ["failed", "skipped", "passed"]
    assert [d["format"] for d in doc["downloads"]] == ["sarif", "junit", "html"]
    spec = run_client.get("/api/v1/openapi.json").json()
    assert "get" in spec["paths"]["/api/v1/runs/{run_id}"]


def test_the_service_page_lists_runs_with_build_measures_and_flaky_tests(
    run_client: TestClient,
) -> None:
    text = run_client.get("/services/shop").text
    runs = _rows(text, "The newest 3 runs in the window")
    assert [r.split()[0] for r in runs] == [NEWEST, OLDER, JUNIT_ONLY]
    assert f'<a href="/runs/{NEWEST}">{NEWEST}</a>' in text
    assert "3 (1 failing)" in runs[0] and "81.5%" in runs[0] and "p95 120 ms, 350 req/s" in runs[0]
    stages = {r.split()[0]: r for r in _rows(text, "Each stage over these runs")}
    assert "33%" in stages["test"]  # passed in OLDER only
    assert "1 passed, 2 failed, 0 skipped" in stages["test"]
    assert "100% (2)" in stages["secrets"]  # both from the cache
    flaky = _rows(text, "Tests that failed and passed on the same commit")
    assert len(flaky) == 1 and "test_&lt;script&gt;" in text and "aaaaaaaaaaaa" in flaky[0]
    for title in ("Run duration per run", "Line coverage per run", "Load test p95 latency per run"):
        assert f"<caption>{title} (the chart's data)</caption>" in text
    matrix = _rows(text, "Findings of the newest run by stage and severity")
    assert [r.split()[0] for r in matrix] == ["lint", "test", "accessibility"]


def test_the_services_page_shows_each_services_latest_run(run_client: TestClient) -> None:
    text = run_client.get("/").text
    assert f'<a href="/runs/{NEWEST}">{NEWEST}</a> failed' in text
    assert "3 of 5 gates passed; failing: lint, test" in text


def test_metrics_carry_the_build_measures(run_client: TestClient) -> None:
    samples = {
        (s.name, tuple(sorted((k, v) for k, v in s.labels.items() if k != "service"))): s.value
        for family in text_string_to_metric_families(run_client.get("/metrics").text)
        for s in family.samples
        if s.labels.get("service") == "shop"
    }
    assert samples[("lockgate_build_runs", ())] == 3
    assert samples[("lockgate_build_stage_pass_ratio", (("stage", "test"),))] == pytest.approx(
        1 / 3
    )
    assert samples[("lockgate_build_stage_cache_hit_ratio", (("stage", "secrets"),))] == 1.0
    assert samples[("lockgate_build_stage_duration_seconds", (("stage", "load"),))] == 30.0
    assert samples[("lockgate_tests", ())] == 3 and samples[("lockgate_test_failures", ())] == 1
    assert samples[("lockgate_test_coverage_percent", ())] == 81.5
    assert samples[("lockgate_flaky_tests", ())] == 1
    assert samples[("lockgate_findings", (("severity", "high"), ("stage", "lint")))] == 1
    assert samples[("lockgate_accessibility_barriers", ())] == 1
    assert samples[("lockgate_load_p95_seconds", ())] == 0.12
    assert samples[("lockgate_load_requests_per_second", ())] == 350.0


def test_pages_follow_each_change_to_the_store(run_client: TestClient, project: Path) -> None:
    """What the pages keep is recomputed once the store changes (the clock here stands still)."""

    def deployments() -> str:
        row = _rows(run_client.get("/").text, "DORA's four keys per service")[-1]
        return row.split()[1]

    assert deployments() == "2"
    assert deployments() == "2"  # kept
    at = NOW - timedelta(hours=1)
    with Store.open(project) as store:
        store.import_deployment(
            Deployment(
                "shop", "production", "v9", None, None, at, DeploymentStatus.SUCCEEDED, "t", at
            ),
            "t:9",
        )
        store.finish_run(NEWEST, RunStatus.PASSED, NOW)
    assert deployments() == "3"
    assert f'<a href="/runs/{NEWEST}">{NEWEST}</a> passed' in run_client.get("/").text


def test_report_files_written_after_the_run_was_recorded_are_offered(
    run_client: TestClient, run_project: Path
) -> None:
    """`lockgate run` records the verdict first, then writes the reports: the page sees them."""
    assert "This server has no report files of this run" in run_client.get(f"/runs/{OLDER}").text
    folder = run_project / ".lockgate" / "reports" / OLDER
    folder.mkdir()
    (folder / "junit.xml").write_text("<testsuites/>")
    assert f'href="/runs/{OLDER}/reports/junit"' in run_client.get(f"/runs/{OLDER}").text


def test_a_project_that_has_only_run_its_gates_is_listed_with_its_latest_run(
    tmp_path: Path,
) -> None:
    from lockgate.model import Run, StageResult, Status
    from lockgate.web.app import create_app
    from lockgate.web.data import Dashboard

    root = tmp_path / "new-service"
    root.mkdir()
    started = NOW - timedelta(hours=3)
    with Store.open(root) as store:
        store.save_run(
            Run(
                "20261101T000000Z-abcdef",
                "new-service",
                started,
                RunStatus.PASSED,
                started + timedelta(minutes=1),
                results=(StageResult("lint", Status.PASSED, duration=1.0),),
            )
        )
    with TestClient(create_app(Dashboard(root, lambda: NOW)), base_url="http://127.0.0.1") as c:
        page = c.get("/")
        assert page.status_code == 200
        assert "new-service" in page.text and "20261101T000000Z-abcdef" in page.text
        assert "new-service" in c.get("/api/v1/services").text

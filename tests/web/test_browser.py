"""The dashboard in a real browser: Debian's Chromium driven by Playwright (never a downloaded
browser), through every page, checking what a person sees; a screenshot of each page is kept."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.web.conftest import EVIL
from tests.web.rundata import EVIL_FILE, EVIL_TEST, NEWEST
from tests.web.test_serve import serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)"),
]


def _shots(tmp_path: Path) -> Path:
    """Where screenshots go: $LOCKGATE_TEST_ARTIFACTS/web when set (CI keeps it), else tmp."""
    root = (
        Path(os.environ["LOCKGATE_TEST_ARTIFACTS"])
        if os.environ.get("LOCKGATE_TEST_ARTIFACTS")
        else tmp_path
    )
    folder = root / "web-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_person_can_read_every_page(project: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    shots = _shots(tmp_path)
    problems: list[str] = []
    with serving(project) as port, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("dialog", lambda d: problems.append(f"a dialog opened: {d.message}"))
        base = f"http://127.0.0.1:{port}"

        page.goto(base + "/?since=2026-02-01&until=2026-03-02")  # the fixture's weeks
        assert page.title() == "All services · lockgate"
        table = page.get_by_role("table", name="DORA's four keys per service")
        assert table.get_by_role("link", name="shop").is_visible()
        assert table.get_by_text(EVIL).is_visible()  # shown as text, not run
        assert "(2024: " in table.inner_text()
        page.screenshot(path=shots / "services.png", full_page=True)

        table.get_by_role("link", name="shop").click()
        assert page.title() == "Service shop · lockgate"
        keys = page.get_by_role("table", name="The four keys of shop")
        for name in (
            "deployment frequency",
            "lead time for changes",
            "change failure rate",
            "time to restore",
        ):
            assert keys.get_by_role("rowheader", name=name).is_visible()
        charts = page.get_by_role("img")
        assert charts.count() == 4
        assert charts.first.get_attribute("aria-labelledby")
        assert page.locator("svg.chart rect.bar").count() > 0  # the window followed the link
        assert page.get_by_role(
            "table", name="Production deployments a week (the chart's data)"
        ).is_visible()
        assert page.get_by_text(f"down {EVIL}").is_visible()
        page.screenshot(path=shots / "service-shop.png", full_page=True)

        page.goto(base + "/services/" + EVIL.replace("/", "%2F"))
        assert page.get_by_role("heading", level=1).inner_text() == f"Service {EVIL}"
        page.screenshot(path=shots / "service-hostile.png", full_page=True)

        assert problems == []
        page.goto(base + "/services/nobody")  # a 404 page: the browser logs the status itself
        problems.clear()
        assert page.get_by_text("No service named 'nobody' in the store.").is_visible()
        page.screenshot(path=shots / "not-found.png", full_page=True)
        browser.close()
    assert all("404" in p for p in problems), problems
    print(f"screenshots: {shots}")
    assert {"not-found.png", "service-hostile.png", "service-shop.png", "services.png"} <= {
        p.name for p in shots.iterdir()
    }


def test_a_person_goes_through_a_run_without_javascript(run_project: Path, tmp_path: Path) -> None:
    """From the service page's runs list to one run: stages, findings narrowed with the form
    (JavaScript off: the server filters), the test report failures first, a download."""
    from playwright.sync_api import sync_playwright

    shots = _shots(tmp_path)
    problems: list[str] = []
    with serving(run_project) as port, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(
            java_script_enabled=False,
            accept_downloads=True,
            viewport={"width": 1100, "height": 900},
        )
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("dialog", lambda d: problems.append(f"a dialog opened: {d.message}"))
        base = f"http://127.0.0.1:{port}"

        page.goto(base + "/")
        latest = page.get_by_role("table", name="DORA's four keys per service")
        assert "failing: lint, test" in latest.inner_text()

        page.goto(base + "/services/shop?since=2026-02-01&until=2026-03-02")
        runs = page.get_by_role("table", name="runs in the window")
        assert runs.get_by_role("row").count() == 4  # a header and three runs
        stages = page.get_by_role("table", name="Each stage over these runs")
        assert "33%" in stages.get_by_role("row", name="test").inner_text()
        flaky = page.get_by_role("table", name="Tests that failed and passed on the same commit")
        assert flaky.get_by_text(f"tests.test_api::{EVIL_TEST}").is_visible()
        page.screenshot(path=shots / "service-runs.png", full_page=True)

        runs.get_by_role("link", name=NEWEST).click()
        assert page.title() == f"Run {NEWEST} · lockgate"
        stage_rows = page.get_by_role("table", name="Each stage of the run").get_by_role("row")
        assert [stage_rows.nth(i).get_by_role("rowheader").inner_text() for i in range(1, 6)] == [
            "lint",
            "secrets",
            "test",
            "accessibility",
            "load",
        ]
        findings = page.get_by_role("table", name="Findings, worst first")
        assert findings.get_by_role("row").count() == 5
        assert findings.get_by_text(f"bad code {EVIL}").is_visible()  # shown as text, not run
        assert findings.get_by_text(f"{EVIL_FILE}:3").is_visible()
        assert findings.get_by_role("link", name="E999").count() == 0  # its javascript: link
        assert findings.get_by_role("link", name="W1").get_attribute("href") == (
            "https://example.org/rules/W1"
        )
        tests = page.get_by_role("table", name="Tests, failures first").get_by_role("row")
        assert tests.nth(1).get_by_role("cell").first.inner_text() == "failed"
        assert tests.nth(1).get_by_text(f"tests.test_api::{EVIL_TEST}").is_visible()
        assert tests.nth(3).get_by_role("cell").first.inner_text() == "passed"
        page.screenshot(path=shots / "run.png", full_page=True)

        page.get_by_label("Stage", exact=True).select_option("lint")
        page.get_by_label("Severity", exact=True).select_option("high")
        page.get_by_role("button", name="Show findings").click()
        assert page.url.endswith("?stage=lint&severity=high#findings")
        assert page.get_by_text("1 of 4 findings match stage lint severity high.").is_visible()
        findings = page.get_by_role("table", name="Findings, worst first (filtered)")
        assert findings.get_by_role("row").count() == 2
        page.screenshot(path=shots / "run-filtered.png", full_page=True)

        with page.expect_download() as download:
            page.get_by_role("link", name="SARIF 2.1.0").click()
        saved = tmp_path / "downloaded.sarif"
        download.value.save_as(saved)
        assert download.value.suggested_filename == f"lockgate-{NEWEST}-lockgate.sarif"
        assert '"version": "2.1.0"' in saved.read_text()

        page.get_by_role("link", name="Show all findings").click()
        assert page.get_by_text("4 of 4 findings.").is_visible()
        browser.close()
    assert problems == []
    assert {"service-runs.png", "run.png", "run-filtered.png"} <= {p.name for p in shots.iterdir()}

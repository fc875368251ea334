"""The dashboard in a real browser: Debian's Chromium driven by Playwright (never a downloaded
browser), through every page, checking what a person sees; a screenshot of each page is kept."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.web.conftest import EVIL
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
    assert sorted(p.name for p in shots.iterdir()) == [
        "not-found.png",
        "service-hostile.png",
        "service-shop.png",
        "services.png",
    ]

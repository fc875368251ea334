"""Accessibility: time per page of the full audit (axe-core + HTML_CodeSniffer + lockgate's browser
checks) against axe-core alone, in the same Chromium, on the same pages, in one run; then the
whole audit with its pages in 1 tab and in parallel tabs.

Serves tests/fixtures/a11y on 127.0.0.1, opens one browser, and checks every page ROUNDS times with
each configuration (alternating page by page, so load on the machine hits both alike); prints the
median time per page (load + checks) of each, their ratio, and the mean time of each part. Target:
<= 1.5x. No screenshots. Then runs `audit()` on all the pages with tabs = 1 and tabs = 4
(alternating, ROUNDS times) and prints the median wall time per page of each.
Needs scripts/bootstrap (Playwright, Debian's Chromium, the pinned engines).

    .venv/bin/python bench/bench_a11y.py [ROUNDS]
"""

from __future__ import annotations

import asyncio
import functools
import statistics
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from lockgate.a11y import browser
from lockgate.a11y.audit import Settings, audit, check_page, engines_of, init_script
from lockgate.a11y.engines import AXE, CHECKS, HTMLCS
from lockgate.a11y.interface import Standard

PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "a11y"
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
AXE_ALONE = "axe-core alone"
FULL = "both engines + checks"
CONFIGS = {AXE_ALONE: (AXE,), FULL: (AXE, HTMLCS, CHECKS)}
TABS = (1, 4)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


async def per_page(
    base: str, names: list[str]
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Seconds per page of each configuration, and of each part: the load, each engine or check
    (its time in the page plus what it does after; the one call into the page is not in these)."""
    times: dict[str, list[float]] = {c: [] for c in CONFIGS}
    parts: dict[str, list[float]] = {}
    async with browser.launched(browser.DEFAULT_BROWSER) as chromium:
        tabs = {}
        for config, engines in CONFIGS.items():
            context = await chromium.new_context(viewport={"width": 1280, "height": 800})
            await context.add_init_script(script=init_script(engines))
            tabs[config] = (await context.new_page(), engines_of(engines))
        for _ in range(ROUNDS):
            for name in names:
                for config, (page, engines) in tabs.items():
                    start = time.perf_counter()
                    await page.goto(base + name, wait_until="load")
                    parts.setdefault(f"{config}: load", []).append(time.perf_counter() - start)
                    run = await check_page(page, engines, Standard.WCAG22AA)
                    times[config].append(time.perf_counter() - start)
                    assert run.failed is None, run.failed
                    for part, spent in run.seconds.items():
                        parts.setdefault(f"{config}: {part}", []).append(spent)
    return times, parts


def whole_audits(base: str, names: list[str]) -> dict[int, list[float]]:
    """Wall seconds per page of `audit()` over every page, with each number of tabs."""
    walls: dict[int, list[float]] = {t: [] for t in TABS}
    for _ in range(ROUNDS):
        for tabs in TABS:
            settings = Settings(
                url=base + names[0], paths=tuple(names[1:]), crawl=False, max_pages=100, tabs=tabs
            )
            start = time.perf_counter()
            out = audit(settings)
            walls[tabs].append((time.perf_counter() - start) / len(out.pages))
    return walls


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(PAGES)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    names = sorted(p.name for p in PAGES.glob("*.html"))
    times, parts = asyncio.run(per_page(base, names))
    medians = {c: statistics.median(t) for c, t in times.items()}
    print(f"{len(names)} pages x {ROUNDS} rounds, one Chromium")
    for config, median in medians.items():
        mean = statistics.mean(times[config]) * 1000
        print(f"  {config:24s} median {median * 1000:7.1f} ms/page  (mean {mean:.1f})")
    for part, spent in parts.items():
        print(f"    {part:40s} mean {statistics.mean(spent) * 1000:6.1f} ms")
    ratio = medians[FULL] / medians[AXE_ALONE]
    print(f"ratio full / axe alone: {ratio:.2f}x (target <= 1.5x)")
    walls = whole_audits(base, names)
    server.shutdown()
    for tabs, spent in walls.items():
        print(
            f"  audit() with tabs = {tabs}: median {statistics.median(spent) * 1000:7.1f} ms/page"
            f" wall (browser start included)"
        )


if __name__ == "__main__":
    main()

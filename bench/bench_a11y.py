"""Accessibility: time per page of the full audit (axe-core + HTML_CodeSniffer + lockgate's browser
checks) against axe-core alone, in the same Chromium, on the same pages, in one run.

Serves tests/fixtures/a11y on 127.0.0.1, opens one browser, and checks every page ROUNDS times with
each configuration (alternating, so load on the machine hits both alike); prints the median time
per page (load + checks) of each and their ratio. Target: <= 1.5x. No screenshots in either.
Needs scripts/bootstrap (Playwright, Debian's Chromium, the pinned engines).
"""

from __future__ import annotations

import functools
import statistics
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from lockgate.a11y import browser
from lockgate.a11y.audit import CHECKS, engines_of, init_script
from lockgate.a11y.engines import AXE, HTMLCS
from lockgate.a11y.interface import Standard

PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "a11y"
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
CONFIGS = {"axe-core alone": (AXE,), "both engines + checks": (AXE, HTMLCS, CHECKS)}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(PAGES)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    names = sorted(p.name for p in PAGES.glob("*.html"))
    times: dict[str, list[float]] = {c: [] for c in CONFIGS}
    parts: dict[str, list[float]] = {}
    with browser.launched(browser.DEFAULT_BROWSER) as chromium:
        tabs = {}
        for config, engines in CONFIGS.items():
            context = chromium.new_context(viewport={"width": 1280, "height": 800})
            context.add_init_script(script=init_script(engines))
            tabs[config] = (context.new_page(), engines_of(engines))
        for _ in range(ROUNDS):
            for name in names:
                for config, (page, engines) in tabs.items():
                    start = time.perf_counter()
                    page.goto(base + name, wait_until="load")
                    loaded = time.perf_counter()
                    parts.setdefault(f"{config}: load", []).append(loaded - start)
                    for engine in engines:
                        before = time.perf_counter()
                        engine.run(page, Standard.WCAG22AA)
                        spent = time.perf_counter() - before
                        parts.setdefault(f"{config}: {type(engine).__name__}", []).append(spent)
                    times[config].append(time.perf_counter() - start)
    server.shutdown()
    medians = {c: statistics.median(t) for c, t in times.items()}
    print(f"{len(names)} pages x {ROUNDS} rounds, one Chromium")
    for config, median in medians.items():
        print(
            f"  {config:24s} median {median * 1000:7.1f} ms/page  (mean {statistics.mean(times[config]) * 1000:.1f})"
        )
    for part, spent in parts.items():
        print(f"    {part:40s} mean {statistics.mean(spent) * 1000:6.1f} ms")
    ratio = medians["both engines + checks"] / medians["axe-core alone"]
    print(f"ratio full / axe alone: {ratio:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()

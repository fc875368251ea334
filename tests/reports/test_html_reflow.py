"""report.html reflows at 320 CSS px (WCAG 1.4.10), measured in a real headless Chromium.

The page never scrolls sideways: long values wrap and wide tables scroll inside their own region.
Skipped where no Chromium is installed (lockgate never downloads a browser).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from lockgate.model import Location, Run, Severity, StageResult, Status, Unchecked
from lockgate.reports import render

from .sample_runs import build_hostile_run, build_sample_run, build_unchecked_run, finding

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>')
# Headless windows are at least 500 px wide: the page is measured in a 320 px iframe instead (an
# iframe's document has a viewport of the iframe's size). srcdoc keeps it same-origin to read.
_FRAME = (
    "<!DOCTYPE html><html><body style='margin:0'>"
    "<iframe id='f' style='width:{width}px;height:900px;border:0' srcdoc=\"{doc}\"></iframe>"
    "<script>window.addEventListener('load', () => {{"
    " const w = document.getElementById('f').contentWindow;"
    " document.body.setAttribute('data-measured',"
    " w.document.documentElement.scrollWidth + 'x' + w.innerWidth); }});</script>"
    "</body></html>"
)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed")


def page_width(html: str, tmp_path: Path, width: int = 320) -> tuple[int, int]:
    """(document scroll width, viewport width) of `html` shown `width` CSS px wide."""
    # The report's CSP forbids every script: the measuring copy drops it (the page is the same).
    doc = _CSP.sub("", html).replace("&", "&amp;").replace('"', "&quot;")
    page = tmp_path / "measure.html"
    page.write_text(_FRAME.format(width=width, doc=doc), "utf-8")
    done = subprocess.run(
        [
            str(CHROMIUM),
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=800,1000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r'data-measured="(\d+)x(\d+)"', done.stdout)
    assert found, done.stderr[-2000:]
    return int(found[1]), int(found[2])


def long_values_run() -> Run:
    long_path = "src/" + "very_long_directory_name_without_any_break/" * 6 + "module.py"
    word = "x" * 300
    lint = StageResult(
        stage="lint",
        status=Status.FAILED,
        summary=f"summary {word}",
        tool_versions=(("ruff", "0.17.6-" + word),),
        findings=(
            finding(
                "lint",
                "ruff",
                "RULE" + "9" * 80,
                f"message {word} " * 3,
                Severity.HIGH,
                location=Location(long_path, 1234567, 89),
                help_uri="https://example.invalid/" + word,
                tags=(word,),
            ),
        ),
        artifacts=(long_path,),
        unchecked=(Unchecked(long_path, f"reason {word}", 3, f"fix {word}"),),
    )
    return replace(
        build_sample_run(),
        id="run-" + "0" * 120,
        project="p" * 200,
        branch="feature/" + word,
        results=(lint, *build_sample_run().results),
    )


@pytest.mark.parametrize(
    "run",
    [build_sample_run(), build_unchecked_run(), build_hostile_run(), long_values_run()],
    ids=["sample", "unchecked", "hostile", "long-values"],
)
def test_no_sideways_scrolling_at_320_css_px(run: Run, tmp_path: Path) -> None:
    scroll_width, viewport = page_width(render(run, "html"), tmp_path)
    assert viewport == 320  # the measurement really was at 320 CSS px
    assert scroll_width <= 320


def test_the_check_catches_a_page_that_scrolls_sideways(tmp_path: Path) -> None:
    wide = '<!DOCTYPE html><html><body><div style="width: 900px">x</div></body></html>'
    scroll_width, _ = page_width(wide, tmp_path)
    assert scroll_width > 320

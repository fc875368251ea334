"""Debian's Chromium driven by Playwright for Python: never a downloaded browser."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from lockgate.errors import LockgateError

if TYPE_CHECKING:
    from playwright.async_api import Browser

DEFAULT_BROWSER = "/usr/bin/chromium"
# Flags that work as root in containers and CI; no background traffic, no updates.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
PLAYWRIGHT_HINT = (
    "run scripts/bootstrap (requirements/dev.txt pins playwright); never `playwright install`"
)
CHROMIUM_HINT = "install Debian's Chromium (apt-get install chromium; scripts/bootstrap does it), or set [stages.accessibility] browser to a Chromium binary"


def problem(path: str) -> str | None:
    """Why the browser cannot start here, with what to install; None when it can."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return f"Playwright for Python is not installed: {PLAYWRIGHT_HINT}"
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        return f"no Chromium at {path}: {CHROMIUM_HINT}"
    return None


@asynccontextmanager
async def launched(path: str, timeout: float = 60.0) -> AsyncIterator[Browser]:
    """One headless Chromium for the whole audit (its pages are checked in parallel tabs), closed
    with Playwright's driver afterwards."""
    why = problem(path)
    if why is not None:
        raise LockgateError(why)
    from playwright.async_api import Error, async_playwright

    async with async_playwright() as pw:
        try:
            browser = await pw.chromium.launch(
                executable_path=path, args=list(FLAGS), headless=True, timeout=timeout * 1000
            )
        except Error as exc:
            raise LockgateError(
                f"Chromium at {path} did not start: {str(exc).splitlines()[0]}", hint=CHROMIUM_HINT
            ) from None
        try:
            yield browser
        finally:
            await browser.close()

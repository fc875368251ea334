"""Argument types shared by the subcommands' parsers (argparse turns their errors into exit 2)."""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

MAX_COUNT = 1_000_000  # more runs than anyone reads, more jobs than any machine has cores
MAX_SECONDS = 86_400.0


def positive_int(text: str) -> int:
    """A whole number from 1 to MAX_COUNT, e.g. for --jobs and --limit (a database integer holds it)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{_shown(text)}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError("expected 1 or more")
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_COUNT:,}")
    return value


def positive_seconds(text: str) -> float:
    """A number of seconds greater than 0 and at most a day, e.g. for --timeout."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds, got '{_shown(text)}'"
        ) from None
    if not (math.isfinite(value) and 0 < value <= MAX_SECONDS):
        raise argparse.ArgumentTypeError(
            f"expected seconds greater than 0 and at most {MAX_SECONDS:g}"
        )
    return value


def folder_path(text: str) -> Path:
    """A folder to write to; an empty value is refused (Path("") would mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a folder, got an empty value")
    return Path(text)


def server_address(text: str) -> str:
    """--report-to: a lockgate server's base URL, e.g. https://lockgate.example.org."""
    from lockgate.client.server import server_url

    try:
        return server_url(text)
    except ValueError as exc:
        shown = _shown(re.sub(r"//[^/?#]*@", "//***@", text))  # never echo credentials
        raise argparse.ArgumentTypeError(f"expected {exc}, got '{shown}'") from None


def _shown(text: str) -> str:
    safe = text if text.isprintable() else repr(text)[1:-1]
    return safe if len(safe) <= 40 else safe[:37] + "..."

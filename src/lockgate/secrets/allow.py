"""Inline allow markers: `lockgate: allow-secret reason="..."` on the line of a known false positive."""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER = re.compile(r"lockgate:\s*allow-secret\b(?:\s+reason=(?:\"([^\"]*)\"|'([^']*)'))?")


@dataclass(frozen=True)
class Allow:
    reason: str | None  # None: a marker without a reason, which allows nothing


def marker(line: str) -> Allow | None:
    """The allow marker on `line`, if any."""
    m = MARKER.search(line)
    if m is None:
        return None
    reason = (m.group(1) or m.group(2) or "").strip()
    return Allow(reason or None)


def bare_markers(text: str) -> list[int]:
    """1-based line numbers of markers that give no reason (each is reported: it allows nothing)."""
    return [
        n
        for n, line in enumerate(text.split("\n"), 1)
        if "allow-secret" in line and (found := marker(line)) is not None and found.reason is None
    ]

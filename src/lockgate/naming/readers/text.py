"""Reading a project file as text for the readers, and finding the line a value is on."""

from __future__ import annotations

from pathlib import Path

from lockgate.naming.interface import Unread

MAX_BYTES = 2_000_000


def read_text(root: Path, path: str) -> str | Unread:
    try:
        data = (root / path).read_bytes()
    except OSError as exc:
        return Unread(path, f"cannot be read: {exc.strerror}", "fix the file's permissions")
    if len(data) > MAX_BYTES:
        return Unread(path, f"larger than {MAX_BYTES} bytes", "add it to [naming] exclude")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return Unread(path, "is not UTF-8 text", "save it as UTF-8, or add it to [naming] exclude")


def line_of(text: str, value: str, start: int = 1) -> int:
    """The first line from `start` that holds `value` (1 when none does)."""
    for number, line in enumerate(text.splitlines()[start - 1 :], start):
        if value in line:
            return number
    return 1

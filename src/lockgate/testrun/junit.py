"""Read a JUnit XML report into test cases with the file and line of each failure."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from lockgate.model import TestCase

MAX_JUNIT_BYTES = 64 * 1024 * 1024
# control characters and bidi overrides (which can make a report say something other than it shows)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")

Case = tuple[TestCase, str | None, int | None]  # the case, its file and line (None: not recorded)


class JUnitError(Exception):
    """A JUnit file that is missing or cannot be read."""


def read_junit(path: Path) -> list[Case]:
    """Each test case with the file and line pytest recorded (None when the report has none)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise JUnitError(f"no JUnit report at {path} ({exc.strerror})") from exc
    if size > MAX_JUNIT_BYTES:
        raise JUnitError(f"{path} is {size} bytes, more than the {MAX_JUNIT_BYTES} lockgate reads")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise JUnitError(f"{path} is not well-formed XML: {exc}") from exc
    if root.tag not in ("testsuites", "testsuite"):
        raise JUnitError(
            f"{path}: root element is <{clean(root.tag, 40)}>, not <testsuites> or <testsuite>"
        )
    return [_case(el) for el in root.iter("testcase")]


def _case(el: ET.Element) -> Case:
    outcome, message = "passed", None
    for child in el:
        if child.tag in ("failure", "error", "skipped"):
            outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[child.tag]
            message = _first_line(child.get("message") or child.text or "")
            if outcome != "skipped":
                text = (child.get("message") or "") + "\n" + (child.text or "")
                return _with_location(el, outcome, message, text)
    return _with_location(el, outcome, message, "")


def _with_location(el: ET.Element, outcome: str, message: str | None, text: str) -> Case:
    case = TestCase(
        classname=clean(el.get("classname") or "", 500),
        name=clean(el.get("name") or "", 500),
        outcome=outcome,
        duration=_float(el.get("time")),
        message=message,
    )
    file = el.get("file")
    line = _int(el.get("line"))
    if file and text:
        line = _failing_line(text, file) or (line + 1 if line is not None else None)
    elif line is not None:
        line += 1  # pytest records 0-based lines
    return case, file, line


def _failing_line(text: str, file: str) -> int | None:
    """The last traceback line in the test's own file: `tests/test_x.py:12: AssertionError`."""
    pattern = re.compile(rf"^{re.escape(file)}:(\d+):", re.MULTILINE)
    hits = pattern.findall(text)
    return int(hits[-1]) if hits else None


def clean(text: str, limit: int) -> str:
    """Control characters made visible, length bounded: safe for terminals and reports."""
    cleaned = _CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return clean(line.strip(), 300)
    return None


def _float(value: str | None) -> float:
    try:
        return max(0.0, float(value or 0))
    except ValueError:
        return 0.0


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None

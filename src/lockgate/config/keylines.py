"""Line numbers of TOML keys (tomllib gives none): a small scanner over the file's text."""

from __future__ import annotations

import re
from collections.abc import Mapping

KeyPath = tuple[str, ...]

_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
_ARRAY_HEADER = re.compile(rf"\s*\[\[\s*({_DOTTED})\s*\]\]")
_HEADER = re.compile(rf"\s*\[\s*({_DOTTED})\s*\]")
_KEYVAL = re.compile(rf"\s*({_DOTTED})\s*=")


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map each key path to the 1-based line that defines it.

    Tables `[a.b]` map ("a", "b"); the n-th `[[a]]` maps ("a", "n") (0-based); `k = v` inside
    maps the table's path plus the (possibly dotted) key. Lines inside multi-line strings and
    arrays are skipped.
    """
    lines: dict[KeyPath, int] = {}
    arrays: dict[KeyPath, int] = {}
    table: KeyPath = ()
    state = _State()
    for number, line in enumerate(text.splitlines(), start=1):
        if state.inside:
            state.scan(line)
            continue
        if m := _ARRAY_HEADER.match(line):
            raw = _parts(m.group(1))
            parent = _resolve(raw[:-1], arrays)
            key = (*parent, raw[-1])
            arrays[key] = arrays.get(key, -1) + 1
            table = (*key, str(arrays[key]))
            _record(lines, table, number)
        elif m := _HEADER.match(line):
            table = _resolve(_parts(m.group(1)), arrays)
            _record(lines, table, number)
        elif m := _KEYVAL.match(line):
            _record(lines, (*table, *_parts(m.group(1))), number)
            state.scan(line[m.end() :])
    return lines


def line_of(lines: Mapping[KeyPath, int], key: KeyPath) -> int | None:
    """Line of `key`, else of its nearest enclosing table that has one."""
    for end in range(len(key), 0, -1):
        if (found := lines.get(key[:end])) is not None:
            return found
    return None


def _record(lines: dict[KeyPath, int], key: KeyPath, number: int) -> None:
    for end in range(1, len(key) + 1):
        lines.setdefault(key[:end], number)


def _resolve(raw: KeyPath, arrays: Mapping[KeyPath, int]) -> KeyPath:
    """A header path with the current index inserted after each array-of-tables prefix."""
    out: KeyPath = ()
    for part in raw:
        out = (*out, part)
        if out in arrays:
            out = (*out, str(arrays[out]))
    return out


def _parts(dotted: str) -> KeyPath:
    return tuple(_unquote(p) for p in re.findall(_PART, dotted))


_ESCAPE = re.compile(r'\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[btnfr"\\])')
_SIMPLE = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(part: str) -> str:
    if part[:1] == "'" and len(part) >= 2:
        return part[1:-1]
    if part[:1] == '"' and len(part) >= 2:
        return _ESCAPE.sub(_unescape, part[1:-1])
    return part


def _unescape(m: re.Match[str]) -> str:
    code = m.group(1)
    return chr(int(code[1:], 16)) if code[0] in "uU" else _SIMPLE[code]


class _State:
    """Whether the scan is inside a multi-line string or an open array / inline table."""

    def __init__(self) -> None:
        self.depth = 0
        self.closing: str | None = None  # '\"\"\"' or "'''" while inside a multi-line string

    @property
    def inside(self) -> bool:
        return self.depth > 0 or self.closing is not None

    def scan(self, text: str) -> None:
        i = 0
        while i < len(text):
            if self.closing is not None:
                i = self._in_multiline(text, i)
                continue
            ch = text[i]
            if ch == "#":
                return
            if text.startswith(('"""', "'''"), i):
                self.closing = text[i : i + 3]
                i += 3
            elif ch in "\"'":
                i = _skip_string(text, i)
            else:
                self.depth += (ch in "[{") - (ch in "]}")
                self.depth = max(self.depth, 0)
                i += 1

    def _in_multiline(self, text: str, i: int) -> int:
        assert self.closing is not None
        if self.closing == '"""' and text[i] == "\\":
            return i + 2
        if text.startswith(self.closing, i):
            self.closing = None
            return i + 3
        return i + 1


def _skip_string(text: str, i: int) -> int:
    """Index just after the one-line string starting at `i`."""
    quote = text[i]
    i += 1
    while i < len(text) and text[i] != quote:
        i += 2 if quote == '"' and text[i] == "\\" else 1
    return i + 1

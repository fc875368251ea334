"""One declared config option: name, type, default, help; checked on load, documented from the same line."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Check = Callable[[Any], str | None]  # returns what was expected, or None when the value is fine


@dataclass(frozen=True)
class Option:
    name: str
    kind: str  # "str" | "int" | "float" | "bool" | "list[str]" | "table" | "date"
    default: Any
    help: str
    choices: tuple[str, ...] | None = None
    check: Check | None = None

    def validate(self, value: Any) -> str | None:
        """None if `value` fits, else a sentence saying what was expected."""
        expected = _KIND_CHECKS[self.kind](value)
        if expected is not None:
            return expected
        if self.choices is not None and value not in self.choices:
            return f"one of {', '.join(repr(c) for c in self.choices)}"
        if self.check is not None:
            return self.check(value)
        return None


def _is(kind: type | tuple[type, ...], label: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) and kind is not bool:
            return label
        return None if isinstance(value, kind) else label

    return check


# Longer than any path (PATH_MAX) or any sensible setting: a 1 MB value is a mistake or an attack.
MAX_TEXT = 4096


def _text(value: str) -> str | None:
    """What a config string may not be: it reaches file names, argv and terminals unchanged."""
    if "\0" in value:
        return "text without NUL characters (\\u0000)"
    if len(value) > MAX_TEXT:
        return f"text of at most {MAX_TEXT} characters"
    return None


def _number(value: Any) -> str | None:
    """An int or float that is finite and fits a double (TOML allows inf, nan and huge ints)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "a number"
    if isinstance(value, int):
        return _integer(value)
    return None if math.isfinite(value) else "a finite number"


def _integer(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return "an integer"
    return None if abs(value) <= 2**53 else "an integer of at most 2**53"


def _str(value: Any) -> str | None:
    return _text(value) if isinstance(value, str) else "a string"


def _list_of_str(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        problem = next((p for v in value if (p := _text(v)) is not None), None)
        return f"a list of strings, each {problem}" if problem else None
    return "a list of strings"


def _date(value: Any) -> str | None:
    import datetime

    ok = isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
    return None if ok else "a date such as 2027-03-31 (TOML date, unquoted)"


_KIND_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "str": _str,
    "int": _integer,
    "float": _number,
    "bool": _is(bool, "true or false"),
    "list[str]": _list_of_str,
    "table": _is(dict, "a table"),
    "list[table]": lambda v: (
        None if isinstance(v, list) and all(isinstance(i, dict) for i in v) else "a list of tables"
    ),
    "date": _date,
}


# Any larger count or number of seconds is a typo; it would overflow timers and C integers.
MAX_NUMBER = 2**31 - 1


def positive(value: Any) -> str | None:
    """Greater than 0 and finite (`inf`, `nan` and 10**400 are not a timeout or a count)."""
    if not value > 0:  # nan fails every comparison
        return "a number greater than 0"
    return None if value <= MAX_NUMBER else f"a number greater than 0 and at most {MAX_NUMBER}"


def command(value: Any) -> str | None:
    """An argv list: empty (not set), or a first item that names a program."""
    if value and not value[0].strip():
        return "a command whose first item names the program (it is empty)"
    return None


def percentage(value: Any) -> str | None:
    return None if 0 <= value <= 100 else "a percentage between 0 and 100"

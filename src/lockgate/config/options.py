"""One declared config option: name, type, default, help; checked on load, documented from the same line."""

from __future__ import annotations

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


def _list_of_str(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return None
    return "a list of strings"


def _date(value: Any) -> str | None:
    import datetime

    ok = isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
    return None if ok else "a date such as 2027-03-31 (TOML date, unquoted)"


_KIND_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "str": _is(str, "a string"),
    "int": _is(int, "an integer"),
    "float": _is((int, float), "a number"),
    "bool": _is(bool, "true or false"),
    "list[str]": _list_of_str,
    "table": _is(dict, "a table"),
    "list[table]": lambda v: (
        None if isinstance(v, list) and all(isinstance(i, dict) for i in v) else "a list of tables"
    ),
    "date": _date,
}


def positive(value: Any) -> str | None:
    return None if value > 0 else "a number greater than 0"


def percentage(value: Any) -> str | None:
    return None if 0 <= value <= 100 else "a percentage between 0 and 100"

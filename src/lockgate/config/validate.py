"""Check tables against declared options: warnings and errors that name the file and line."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from lockgate.config.keylines import KeyPath, line_of
from lockgate.config.options import Option
from lockgate.errors import LockgateError


@dataclass(frozen=True)
class Problem:
    where: str
    message: str
    hint: str | None


class Reader:
    """Checks tables against declared options, collecting warnings and errors with file:line."""

    def __init__(self, label: str, lines: Mapping[KeyPath, int]) -> None:
        self.label = label
        self.lines = lines
        self.warnings: list[str] = []
        self.errors: list[Problem] = []

    def where(self, key: KeyPath) -> str:
        line = line_of(self.lines, key)
        return f"{self.label}:{line}" if line is not None else self.label

    def warn(self, key: KeyPath, message: str) -> None:
        self.warnings.append(f"{self.where(key)}: {message}")

    def error(self, key: KeyPath, message: str, hint: str | None = None) -> None:
        self.errors.append(Problem(self.where(key), message, hint))

    def unknown(self, key: KeyPath, known: Iterable[str], what: str = "key") -> str:
        """Sentence naming an unknown key, with a suggestion when one is close."""
        scope = f" in [{'.'.join(shown(k) for k in key[:-1])}]" if len(key) > 1 else ""
        text = f"unknown {what} '{shown(key[-1])}'{scope}"
        return text + did_you_mean(key[-1], known)

    def is_table(self, key: KeyPath, value: Any) -> bool:
        if isinstance(value, dict):
            return True
        self.error(
            key,
            f"{dotted(key)}: expected a table, found {describe(value)}",
            f"write it as a [{dotted(key)}] table",
        )
        return False

    def table(self, key: KeyPath, raw: Any, options: Iterable[Option]) -> dict[str, Any]:
        """Validated values of one table: every option present, defaults filled, frozen."""
        declared = {o.name: o for o in options}
        values = {name: freeze(o.default) for name, o in declared.items()}
        if raw is None or not self.is_table(key, raw):
            return values
        for name, value in raw.items():
            option = declared.get(name)
            if option is None:
                self.warn((*key, name), self.unknown((*key, name), declared))
                continue
            expected = option.validate(value)
            if expected is not None:
                self.error(
                    (*key, name),
                    f"{dotted((*key, name))}: expected {expected}, found {describe(value)}",
                    f"{name}: {option.help}",
                )
                continue
            values[name] = freeze(float(value) if option.kind == "float" else value)
        return values

    def raise_errors(self) -> None:
        if not self.errors:
            return
        first, *rest = sorted(self.errors, key=_line_number)
        message = first.message + "".join(f"\n  also {p.where}: {p.message}" for p in rest)
        raise LockgateError(message, where=first.where, hint=first.hint)


def _line_number(problem: Problem) -> int:
    line = problem.where.rpartition(":")[2]
    return int(line) if line.isdigit() else 0


MAX_DEPTH = 32  # lockgate's own settings nest 3 levels ([environments.NAME] + a table value)


def nesting_depth(value: Any, stop: int = MAX_DEPTH + 1) -> int:
    """How deeply tables and arrays nest in `value`, counted without recursion (up to `stop`)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack and deepest < stop:
        item, depth = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is None:
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def too_deep(where: str) -> LockgateError:
    return LockgateError(
        f"tables or arrays nest more than {MAX_DEPTH} levels deep",
        where=where,
        hint="lockgate's settings nest a few levels at most ([stages.NAME], [[suppress]]); "
        "remove the extra nesting",
    )


def warning_line(warning: str) -> int:
    m = re.match(r"[^:]*:(\d+):", warning)
    return int(m.group(1)) if m else 0


def shown(name: str) -> str:
    """A user-written name, safe to print: control characters escaped, at most 60 characters."""
    safe = name if name.isprintable() else repr(name)[1:-1]
    return safe if len(safe) <= 60 else safe[:57] + "..."


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def dotted(key: KeyPath) -> str:
    return ".".join(key)


def describe(value: Any) -> str:
    kind = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
        datetime.date: "a date",
        datetime.datetime: "a date-time",
        datetime.time: "a time",
    }.get(type(value), "a value")
    if isinstance(value, list | dict):
        return kind
    shown = repr(value) if isinstance(value, str) else _toml_literal(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{shown} ({kind})"


def _toml_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return repr(value)


def freeze(value: Any) -> Any:
    if isinstance(value, dict | MappingProxyType):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value

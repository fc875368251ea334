"""Casing styles: split a name into words, check a style, write words in a style."""

from __future__ import annotations

import enum
import re


class Casing(enum.StrEnum):
    KEBAB = "kebab"  # rents-api
    SNAKE = "snake"  # rents_api
    CAMEL = "camel"  # rentsApi
    PASCAL = "pascal"  # RentsApi (dotted namespaces allowed: Rents.Api)
    UPPER_SNAKE = "upper-snake"  # RENTS_API


_PATTERNS: dict[Casing, re.Pattern[str]] = {
    Casing.KEBAB: re.compile(r"[a-z0-9]+(-[a-z0-9]+)*"),
    Casing.SNAKE: re.compile(r"[a-z0-9]+(_[a-z0-9]+)*"),
    Casing.CAMEL: re.compile(r"[a-z][a-z0-9]*([A-Z][a-z0-9]*)*"),
    Casing.PASCAL: re.compile(r"[A-Z][a-zA-Z0-9]*(\.[A-Z][a-zA-Z0-9]*)*"),
    Casing.UPPER_SNAKE: re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*"),
}
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def matches(name: str, casing: Casing) -> bool:
    return _PATTERNS[casing].fullmatch(name) is not None


def words(name: str) -> list[str]:
    """Lower-case words of a name in any style: `Rents_Bucket-PROD2` -> rents, bucket, prod, 2."""
    return [w.lower() for w in _WORD.findall(name)]


def write(parts: list[str], casing: Casing) -> str:
    """`parts` (lower-case words) in `casing`."""
    if not parts:
        return ""
    match casing:
        case Casing.KEBAB:
            return "-".join(parts)
        case Casing.SNAKE:
            return "_".join(parts)
        case Casing.UPPER_SNAKE:
            return "_".join(parts).upper()
        case Casing.CAMEL:
            return parts[0] + "".join(p.capitalize() for p in parts[1:])
        case Casing.PASCAL:
            return "".join(p.capitalize() for p in parts)

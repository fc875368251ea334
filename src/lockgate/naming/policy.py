"""The naming policy in force: built-in defaults, then the shared policy file, then [naming]."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lockgate.config.options import Option
from lockgate.errors import LockgateError
from lockgate.naming.casing import Casing
from lockgate.naming.interface import ObjectKind
from lockgate.naming.options import NAMING_OPTIONS


@dataclass(frozen=True)
class Policy:
    casing: Mapping[ObjectKind, Casing]
    templates: Mapping[ObjectKind, str]
    suffixes: tuple[str, ...]
    required_tags: tuple[str, ...]
    banned_words: frozenset[str]
    abbreviations: Mapping[str, str]
    shared_name: bool
    exclude: tuple[str, ...]
    source: str  # where the organisation's rules came from, for the summary


def load(values: Mapping[str, Any], root: Path) -> Policy:
    """The policy from the validated [naming] section (and the shared file it names)."""
    merged = dict(values)
    source = "lockgate's default policy"
    if values["policy"]:
        path = Path(values["policy"])
        path = path if path.is_absolute() else root / path
        shared = _shared(path, values["policy"])
        defaults = {o.name: o.default for o in NAMING_OPTIONS}
        for key, value in shared.items():
            if _plain(values[key]) == _plain(defaults[key]):  # not set in lockgate.toml
                merged[key] = value
        source = f"the shared policy {values['policy']}"
    casing = {k: Casing(merged["casing"]) for k in ObjectKind}
    casing.update({ObjectKind(k): Casing(v) for k, v in merged["casing_by_kind"].items()})
    return Policy(
        casing=casing,
        templates={ObjectKind(k): v for k, v in merged["templates"].items()},
        suffixes=tuple(merged["suffixes"]),
        required_tags=tuple(merged["required_tags"]),
        banned_words=frozenset(w.lower() for w in merged["banned_words"]),
        abbreviations={k.lower(): v for k, v in merged["abbreviations"].items()},
        shared_name=bool(merged["shared_name"]),
        exclude=tuple(merged["exclude"]),
        source=source,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _shared(path: Path, shown: str) -> dict[str, Any]:
    """The [naming] table of a shared policy file, every key checked like lockgate.toml's."""
    hint = "point [naming] policy at a TOML file with a [naming] table"
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise LockgateError(
            f"cannot read the naming policy: {exc.strerror}", where=shown, hint=hint
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LockgateError(
            f"the naming policy is not valid TOML: {exc}", where=shown, hint=hint
        ) from None
    table = data.get("naming", {})
    if not isinstance(table, dict):
        raise LockgateError("[naming] must be a table", where=shown, hint=hint)
    declared: dict[str, Option] = {o.name: o for o in NAMING_OPTIONS if o.name != "policy"}
    for key, value in table.items():
        where = f"{shown}:{_line(text, key)}"
        option = declared.get(key)
        if option is None:
            raise LockgateError(
                f"naming.{key} is not a naming policy key",
                where=where,
                hint=f"the keys: {', '.join(declared)}",
            )
        expected = option.validate(value)
        if expected is not None:
            raise LockgateError(
                f"naming.{key}: expected {expected}", where=where, hint=f"{key}: {option.help}"
            )
    return table


def _line(text: str, key: str) -> int:
    """The first line that sets `key` (a shared file's errors name their line)."""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith((key, f'"{key}"')) and "=" in stripped:
            return number
    return 1

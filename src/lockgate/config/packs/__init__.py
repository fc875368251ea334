"""Packs: `extends = [...]` layers under the project's config, merged with the origin of each value.

Layers are resolved parents first (a pack may extend others), the project's own file last; later
layers override earlier ones table by table, and `[[suppress]]` entries add up.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lockgate.config.keylines import KeyPath, line_of
from lockgate.config.packs.sources import Layer, RefKind, builtin_names, load_reference
from lockgate.errors import LockgateError

__all__ = ["Layer", "Merged", "RefKind", "builtin_names", "merge", "resolve"]

MAX_LAYERS = 32
EXTENDS = "extends"


@dataclass(frozen=True)
class Merged:
    data: dict[str, Any]
    origins: dict[str, str]  # dotted key -> "python-service@1:7" / "lockgate.toml:3"
    lines: dict[KeyPath, int]  # lines of the keys the project's own file set (for its errors)
    layers: tuple[Layer, ...]


def resolve(project: Layer, cache: Path) -> tuple[Layer, ...]:
    """Every layer in merge order: each pack's parents before it, the project's file last."""
    out: list[Layer] = []
    seen: set[str] = set()

    def visit(layer: Layer, chain: list[Layer]) -> None:
        for ref, where in _extends(layer):
            child = load_reference(ref, layer.base, cache, where)
            if child.identity in (c.identity for c in chain):
                names = " -> ".join(c.label for c in [*chain, child])
                raise LockgateError(
                    f"extends: the packs extend each other in a cycle: {names}",
                    where=where,
                    hint=f"remove '{ref}' from this `extends` (or the entry that leads back here)",
                )
            if child.identity not in seen and len(out) < MAX_LAYERS:
                visit(child, [*chain, child])
        out.append(layer)
        seen.add(layer.identity)

    visit(project, [project])
    return tuple(out)


def _extends(layer: Layer) -> list[tuple[str, str]]:
    raw = layer.data.get(EXTENDS)
    if raw is None:
        return []
    where = _where(layer, (EXTENDS,))
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(r, str) and r.strip() for r in raw):
        raise LockgateError(
            "extends: expected an array of pack names, paths or git URLs",
            where=where,
            hint='write extends = ["python-service@1", "./policy.toml"]',
        )
    return [(r.strip(), where) for r in raw]


def _where(layer: Layer, key: KeyPath) -> str:
    line = line_of(layer.lines, key)
    return f"{layer.label}:{line}" if line is not None else layer.label


def merge(layers: tuple[Layer, ...]) -> Merged:
    """Later layers win key by key; tables merge, other values (arrays too) are replaced."""
    data: dict[str, Any] = {}
    origins: dict[str, str] = {}
    inherited = 0  # [[suppress]] entries from the packs, before the project's own
    for layer in layers:
        if layer is layers[-1]:
            inherited = len(data.get("suppress", []))
        for name, value in layer.data.items():
            if name == EXTENDS:
                origins[EXTENDS] = _where(layer, (EXTENDS,))
            elif name == "suppress" and isinstance(value, list):
                _append(data, origins, layer, value)
            else:
                _set(data, origins, layer, (name,), value)
    return Merged(data, origins, _own_lines(layers[-1], inherited), layers)


def _own_lines(project: Layer, shift: int) -> dict[KeyPath, int]:
    """The project's key lines, its n-th [[suppress]] renumbered after the inherited ones."""
    out: dict[KeyPath, int] = {}
    for key, line in project.lines.items():
        if key[:1] == ("suppress",) and len(key) > 1 and key[1].isdigit():
            key = ("suppress", str(int(key[1]) + shift), *key[2:])
        out[key] = line
    return out


def _set(
    table: dict[str, Any], origins: dict[str, str], layer: Layer, key: KeyPath, value: Any
) -> None:
    current = table.get(key[-1])
    if isinstance(value, dict) and isinstance(current, dict):
        for name, inner in value.items():
            _set(current, origins, layer, (*key, name), inner)
        return
    table[key[-1]] = copy.deepcopy(value)
    for stale in [k for k in origins if k.startswith(".".join(key) + ".")]:
        del origins[stale]
    for leaf in _leaves(key, value):
        origins[".".join(leaf)] = _where(layer, leaf)


def _leaves(key: KeyPath, value: Any) -> list[KeyPath]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves((*key, k), v)]
    return [key]


def _append(
    data: dict[str, Any], origins: dict[str, str], layer: Layer, entries: list[Any]
) -> None:
    existing = data.setdefault("suppress", [])
    if not isinstance(existing, list):
        data["suppress"] = existing = []
    for i, entry in enumerate(entries):
        origins[f"suppress.{len(existing)}"] = _where(layer, ("suppress", str(i)))
        existing.append(copy.deepcopy(entry))


def origin_of(origins: Mapping[str, str], dotted_key: str) -> str:
    """Where a value came from: the nearest layer that set it or a table above it, else default."""
    parts = dotted_key.split(".")
    for end in range(len(parts), 0, -1):
        found = origins.get(".".join(parts[:end]))
        if found is not None:
            return found
    return "default"

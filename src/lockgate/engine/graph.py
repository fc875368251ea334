"""The plan: which stages run, in what dependency order, validated (unknown names, cycles).

The edges come from the stages themselves: their declared `needs`, plus what their inputs imply
(see `derived_needs`), for built-ins and plugins alike.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lockgate.errors import LockgateError
from lockgate.stages.interface import Input, Stage, StageKind

STATIC_KINDS = (StageKind.CHECK, StageKind.SECURITY)


@dataclass(frozen=True)
class Plan:
    order: tuple[str, ...]  # a topological order of the selected stages
    needs: Mapping[str, tuple[str, ...]]  # selected stage -> its selected prerequisites
    ignored_needs: Mapping[str, tuple[str, ...]]  # prerequisites left out by --only/--skip/enabled

    def dependents(self, name: str) -> tuple[str, ...]:
        """Every selected stage that needs `name`, directly or through others."""
        out: list[str] = []
        frontier = [name]
        while frontier:
            current = frontier.pop()
            for stage, reqs in self.needs.items():
                if current in reqs and stage not in out:
                    out.append(stage)
                    frontier.append(stage)
        return tuple(s for s in self.order if s in out)


def is_static(stage: type[Stage]) -> bool:
    """A check or security stage that reads only the tree (lint, secrets, a naming plugin, ...)."""
    return stage.kind in STATIC_KINDS and stage.consumes is Input.TREE and stage.provides is None


def derived_needs(stages: Mapping[str, type[Stage]]) -> dict[str, tuple[str, ...]]:
    """Every stage's prerequisites: its declared `needs`, then

    - a stage that consumes an image or a URL needs every stage that provides one;
    - a stage that makes something from the tree (build) waits for every static stage, so nothing
      is built or deployed before the gates on the source have spoken.
    """
    out: dict[str, tuple[str, ...]] = {}
    for name, cls in stages.items():
        wanted = list(cls.needs)
        if cls.consumes is not Input.TREE:
            wanted += [n for n, other in stages.items() if other.provides is cls.consumes]
        elif cls.provides is not None:
            wanted += [n for n, other in stages.items() if is_static(other)]
        out[name] = tuple(dict.fromkeys(n for n in wanted if n != name))
    return out


def check_names(names: Iterable[str], known: Iterable[str], what: str) -> None:
    """Raise a LockgateError for the first name that is not a known stage, with a suggestion."""
    known = list(known)
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise LockgateError(
                f"unknown stage '{name}' in {what}",
                hint=f"{hint}known stages: {', '.join(sorted(known))} (see `lockgate stages`)",
            )


def build_plan(
    stages: Mapping[str, type[Stage]],
    *,
    only: Iterable[str] = (),
    skip: Iterable[str] = (),
    disabled: Iterable[str] = (),
) -> Plan:
    """Select stages and order them by `needs`. Needs outside the selection are ignored, not run."""
    only, skip = list(only), list(skip)
    check_names(only, stages, "--only")
    check_names(skip, stages, "--skip")
    for name, cls in stages.items():
        check_names(cls.needs, stages, f"the needs of stage '{name}'")
    every = derived_needs(stages)
    selected = [n for n in stages if (not only or n in only) and n not in skip]
    if not only:
        selected = [n for n in selected if n not in set(disabled)]
    chosen = set(selected)
    needs = {n: tuple(r for r in every[n] if r in chosen) for n in selected}
    ignored = {n: tuple(r for r in every[n] if r not in chosen) for n in selected}
    _check_cycles(every)
    return Plan(order=_toposort(selected, needs), needs=needs, ignored_needs=ignored)


def _check_cycles(needs: Mapping[str, Iterable[str]]) -> None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for req in needs.get(node, ()):
            if state.get(req) == 1:
                cycle = [*path[path.index(req) :], req] if req in path else [node, req]
                raise LockgateError(
                    f"stages depend on each other in a cycle: {' -> '.join(cycle)}",
                    hint="remove one of these `needs` so the stages form a graph without loops",
                )
            if state.get(req) is None:
                visit(req, [*path, req])
        state[node] = 2

    for node in needs:
        if node not in state:
            visit(node, [node])


def _toposort(selected: list[str], needs: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    done: list[str] = []
    remaining = list(selected)
    while remaining:
        ready = [n for n in remaining if all(r in done for r in needs[n])]
        done.extend(ready)
        remaining = [n for n in remaining if n not in ready]
    return tuple(done)

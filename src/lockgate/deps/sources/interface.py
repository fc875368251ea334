"""The advisory-source port: given dependencies, say which advisories name them (or that it cannot)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lockgate.deps.model import Dependency, SourceAnswer


class AdvisorySource(Protocol):
    name: str

    def state(self) -> str:
        """A short digest of the data this source would answer from (for the stage's cache key)."""
        ...

    def query(self, dependencies: Sequence[Dependency]) -> SourceAnswer:
        """Advisories per dependency key; dependencies it could not look up go to `unchecked`.

        Never raises for an unreachable or broken source: it answers with `error` set instead.
        """
        ...

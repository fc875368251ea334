"""A local directory of OSV records (JSON or YAML, any depth), indexed by ecosystem + package name.

The parsed index is cached (keyed by the directory's path, file count, total size and newest
mtime) so warm runs skip re-reading thousands of records.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from lockgate.deps import osv
from lockgate.deps.model import Advisory, Dependency, SourceAnswer

SYNC_STAMP = ".lockgate-sync.json"
_CACHE_VERSION = 3
_SUFFIXES = (".json", ".yaml", ".yml")


def cache_root() -> Path:
    """$LOCKGATE_CACHE_DIR, else $XDG_CACHE_HOME/lockgate, else ~/.cache/lockgate."""
    if os.environ.get("LOCKGATE_CACHE_DIR"):
        return Path(os.environ["LOCKGATE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lockgate"


@dataclass
class _Index:
    state: str
    newest: str | None
    records: list[dict[str, Any]]
    by_key: dict[str, list[int]]
    bad_files: list[str]
    ecosystems: list[str]


class LocalDirSource:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._index: _Index | None = None
        self._state: str | None = None

    def state(self) -> str:
        """Digest of the directory (path, file count, total size, newest mtime); computed once."""
        if self._state is None:
            self._state = self._compute_state()
        return self._state

    def _compute_state(self) -> str:
        if not self.root.is_dir():
            return f"missing:{self.root}"
        count = size = newest = 0
        for path in self._file_names():
            st = os.stat(path)
            count, size, newest = count + 1, size + st.st_size, max(newest, st.st_mtime_ns)
        raw = f"{self.root.resolve()}|{count}|{size}|{newest}|{_CACHE_VERSION}"
        return hashlib.sha256(raw.encode()).hexdigest()[:24]

    def query(self, dependencies: Sequence[Dependency]) -> SourceAnswer:
        if not self.root.is_dir():
            return SourceAnswer(
                self.name,
                unchecked=tuple(dependencies),
                error=f"advisory directory {self.root} does not exist "
                "(run `lockgate advisories sync --dest DIR` or set advisory_db)",
            )
        index = self.index()
        if not index.records:
            return SourceAnswer(
                self.name,
                unchecked=tuple(dependencies),
                error=f"advisory directory {self.root} holds no OSV records",
            )
        found: dict[tuple[str, str], tuple[Advisory, ...]] = {}
        covered = [d for d in dependencies if d.ecosystem.value in index.ecosystems]
        uncovered = tuple(d for d in dependencies if d.ecosystem.value not in index.ecosystems)
        for dep in covered:
            key = f"{dep.key[0].value}\0{dep.key[1]}"
            records = [index.records[i] for i in index.by_key.get(key, ())]
            found[(dep.key[0].value, dep.key[1])] = tuple(
                a for a in (osv.to_advisory(r) for r in records) if a is not None
            )
        return SourceAnswer(
            self.name, advisories=found, unchecked=uncovered, newest_data=index.newest
        )

    def bad_files(self) -> list[str]:
        return self.index().bad_files

    def index(self) -> _Index:
        if self._index is None:
            state = self.state()
            self._index = self._load_cached(state) or self._build(state)
        return self._index

    def _file_names(self) -> list[str]:
        return [
            os.path.join(dirpath, name)
            for dirpath, _, names in os.walk(self.root)
            for name in names
            if name.endswith(_SUFFIXES) and name != SYNC_STAMP
        ]

    def _files(self) -> list[Path]:
        return [Path(name) for name in self._file_names()]

    def _cache_file(self, state: str) -> Path:
        return cache_root() / "advisory-index" / f"{state}.json"

    def _load_cached(self, state: str) -> _Index | None:
        try:
            data = json.loads(self._cache_file(state).read_text())
            return _Index(**data) if data.pop("version", None) == _CACHE_VERSION else None
        except (OSError, ValueError, TypeError):
            return None

    def _build(self, state: str) -> _Index:
        records: list[dict[str, Any]] = []
        by_key: dict[str, list[int]] = {}
        bad: list[str] = []
        newest = ""
        for path in sorted(self._files()):
            record = _read_record(path)
            if record is None:
                bad.append(str(path.relative_to(self.root)))
                continue
            newest = max(newest, str(record.get("modified") or ""))
            advisory = osv.to_advisory(record)
            if advisory is None:
                continue
            for eco, name in osv.keys_of(advisory):
                by_key.setdefault(f"{eco}\0{name}", []).append(len(records))
            records.append(_slim(record))
        # covered = the main ecosystem of at least one record: a stray cross-ecosystem entry in
        # another ecosystem's record does not make the whole ecosystem "checked"
        ecosystems = sorted(
            {
                str(r["affected"][0]["package"]["ecosystem"]).split(":")[0]
                for r in records
                if r.get("affected")
            }
        )
        index = _Index(state, _stamp(self.root) or newest or None, records, by_key, bad, ecosystems)
        self._save(index)
        return index

    def _save(self, index: _Index) -> None:
        target = self._cache_file(index.state)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"version": _CACHE_VERSION, **index.__dict__}))
            tmp.replace(target)
        except OSError:
            pass  # a read-only cache only costs speed


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else _yaml(text)
    except (OSError, ValueError, yaml.YAMLError):
        return None
    return data if isinstance(data, dict) and "id" in data else None


def _yaml(text: str) -> Any:
    """Safe YAML, with libyaml's fast loader when PyYAML was built with it."""
    if hasattr(yaml, "CSafeLoader"):
        return yaml.load(text, Loader=yaml.CSafeLoader)
    return yaml.safe_load(text)


def _slim(record: dict[str, Any]) -> dict[str, Any]:
    """The fields osv.to_advisory reads, with long texts cut."""
    keep: dict[str, Any] = {
        k: record[k]
        for k in (
            "id",
            "aliases",
            "severity",
            "modified",
            "affected",
            "withdrawn",
            "database_specific",
        )
        if k in record
    }
    keep["summary"] = str(record.get("summary") or record.get("details") or "")[:300]
    keep["references"] = [r for r in record.get("references") or () if isinstance(r, dict)][:3]
    for affected in keep.get("affected") or ():
        if isinstance(affected, dict):
            affected.pop("database_specific", None)
            affected.pop("ecosystem_specific", None)
    slim: dict[str, Any] = json.loads(json.dumps(keep, default=str))
    return slim


def _stamp(root: Path) -> str | None:
    try:
        return str(json.loads((root / SYNC_STAMP).read_text())["synced_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None

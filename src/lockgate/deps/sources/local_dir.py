"""A local directory of OSV records (JSON or YAML, any depth), indexed by ecosystem + package name.

Which ecosystems the directory covers is decided per ecosystem: those `lockgate advisories sync`
wrote (its manifest), and those that at least one record is wholly about (a record of another
database that also names a package of this ecosystem does not make the ecosystem covered). Each
ecosystem is dated by its sync, else by its newest record. Records that cannot be read or do not
follow the OSV schema are counted and named, never fatal.

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
_CACHE_VERSION = 4
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
    bad_files: list[str]  # "path: why", relative to the directory
    ecosystems: list[str]  # covered
    times: dict[str, str]  # ecosystem -> ISO time of its data


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
        stamp = self.root / SYNC_STAMP
        for path in [*self._file_names(), *([str(stamp)] if stamp.is_file() else [])]:
            st = os.stat(path)
            count, size, newest = count + 1, size + st.st_size, max(newest, st.st_mtime_ns)
        raw = f"{self.root.resolve()}|{count}|{size}|{newest}|{_CACHE_VERSION}"
        return hashlib.sha256(raw.encode()).hexdigest()[:24]

    def query(self, dependencies: Sequence[Dependency]) -> SourceAnswer:
        name = f"{self.name} {self.root}"
        if not self.root.is_dir():
            return SourceAnswer(
                name,
                error=f"advisory directory {self.root} does not exist "
                "(run `lockgate advisories sync --dest DIR` or set advisory_db)",
            )
        index = self.index()
        if not index.records:
            return SourceAnswer(
                name,
                error=f"advisory directory {self.root} holds no OSV records",
                bad_records=tuple(index.bad_files),
            )
        covered = frozenset(index.ecosystems)
        found: dict[tuple[str, str], tuple[Advisory, ...]] = {}
        for dep in dependencies:
            if dep.ecosystem.value not in covered:
                continue
            key = f"{dep.key[0].value}\0{dep.key[1]}"
            records = [index.records[i] for i in index.by_key.get(key, ())]
            found[(dep.key[0].value, dep.key[1])] = tuple(
                a for a in (osv.to_advisory(r) for r in records) if a is not None
            )
        return SourceAnswer(
            name,
            advisories=found,
            covered=covered,
            data_times={e: t for e, t in index.times.items() if e in covered},
            bad_records=tuple(index.bad_files),
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
        pure: set[str] = set()  # ecosystems some record is wholly about
        times: dict[str, str] = {}
        for path in sorted(self._files()):
            record, why = _read_record(path)
            advisory = None
            if record is not None:
                try:
                    advisory = osv.to_advisory(record)
                except osv.MalformedRecord as exc:
                    record, why = None, str(exc)
            if record is None:
                bad.append(f"{path.relative_to(self.root).as_posix()}: {why}")
                continue
            if advisory is None:
                continue  # withdrawn
            named = {a.ecosystem for a in advisory.affected}
            pure |= named if len(named) == 1 else set()
            for eco in named:
                times[eco] = max(times.get(eco, ""), advisory.modified)
            for eco, name in osv.keys_of(advisory):
                by_key.setdefault(f"{eco}\0{name}", []).append(len(records))
            records.append(_slim(record))
        manifest, stamped = read_manifest(self.root)
        synced = {e: t for e, (t, count) in manifest.items() if count > 0}
        times.update(dict.fromkeys(pure, stamped) if stamped else {})
        times.update(synced)
        ecosystems = sorted(pure | set(synced))
        newest = max(times.values(), default="") or None
        index = _Index(state, newest, records, by_key, bad, ecosystems, times)
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


def _read_record(path: Path) -> tuple[dict[str, Any] | None, str]:
    """(record, "") or (None, why it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else _yaml(text)
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})"
    except UnicodeDecodeError:
        return None, "not UTF-8"
    except (ValueError, yaml.YAMLError, RecursionError) as exc:
        return (
            None,
            f"not valid {'JSON' if path.suffix == '.json' else 'YAML'} ({type(exc).__name__})",
        )
    if not isinstance(data, dict) or "id" not in data:
        return None, "not an OSV record (no `id`)"
    return data, ""


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


def read_manifest(root: Path) -> tuple[dict[str, tuple[str, int]], str | None]:
    """(ecosystem -> (synced_at, records), a time for the whole directory) from the sync manifest.

    Version 2 (written by `lockgate advisories sync`) dates each ecosystem; an older stamp with
    one `synced_at` (and maybe `records` per ecosystem) dates them all. A missing or unreadable
    manifest is empty: coverage and dates then come from the records alone.
    """
    try:
        data = json.loads((root / SYNC_STAMP).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}, None
    if not isinstance(data, dict):
        return {}, None
    out: dict[str, tuple[str, int]] = {}
    ecosystems = data.get("ecosystems")
    if isinstance(ecosystems, dict):  # version 2: per ecosystem
        for eco, entry in ecosystems.items():
            if isinstance(entry, dict) and isinstance(entry.get("synced_at"), str):
                count = entry.get("records")
                out[str(eco)] = (entry["synced_at"], count if isinstance(count, int) else 0)
        return out, None
    synced, records = data.get("synced_at"), data.get("records")
    if not isinstance(synced, str):
        return {}, None
    if isinstance(records, dict):
        out = {str(e): (synced, c) for e, c in records.items() if isinstance(c, int)}
    return out, synced

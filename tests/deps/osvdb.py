"""Small OSV advisory folders for the deps tests: real records copied from the shared snapshot, or
records written here, dated relative to now (never to a fixed day)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lockgate.deps.sources.local_dir import SYNC_STAMP
from tests.testing.harness import SHARED

PYPA = SHARED / "advisories" / "pypa"
GHSA = SHARED / "advisories" / "ghsa-sample"


def iso(days_ago: float = 0) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def stamp(db: Path, ecosystems: dict[str, float]) -> Path:
    """Write the sync manifest: each ecosystem synced `days ago`."""
    entries = {e: {"synced_at": iso(d), "records": 1} for e, d in ecosystems.items()}
    body = {"version": 2, "synced_at": iso(min(ecosystems.values())), "ecosystems": entries}
    (db / SYNC_STAMP).write_text(json.dumps(body))
    return db


def pypa(dest: Path, *packages: str, days_ago: float | None = 0) -> Path:
    """The shared PyPA records of `packages`, synced `days_ago` (None: no manifest)."""
    for name in packages:
        shutil.copytree(PYPA / "vulns" / name, dest / "vulns" / name)
    return stamp(dest, {"PyPI": days_ago}) if days_ago is not None else dest


def ghsa(dest: Path, days_ago: float | None = 0) -> Path:
    shutil.copytree(GHSA, dest)
    return (
        stamp(dest, dict.fromkeys(("npm", "NuGet", "RubyGems"), days_ago))
        if days_ago is not None
        else dest
    )


def record(
    vid: str,
    affected: Iterable[tuple[str, str]],
    fixed: str | None = None,
    aliases: Iterable[str] = (),
    modified: str | None = None,
) -> dict[str, Any]:
    events: list[dict[str, str]] = [{"introduced": "0"}, *([{"fixed": fixed}] if fixed else [])]
    return {
        "id": vid,
        "aliases": list(aliases),
        "modified": modified or iso(),
        "summary": f"test advisory {vid}",
        "affected": [
            {
                "package": {"ecosystem": eco, "name": name},
                "ranges": [{"type": "ECOSYSTEM", "events": events}],
            }
            for eco, name in affected
        ],
    }


def write(dest: Path, *records: dict[str, Any] | str) -> Path:
    """Records as files (a str is written as the raw text of a broken record)."""
    dest.mkdir(parents=True, exist_ok=True)
    for n, rec in enumerate(records):
        name = (
            f"{rec['id']}.json"
            if isinstance(rec, dict) and isinstance(rec.get("id"), str)
            else f"raw-{n}.json"
        )
        (dest / name).write_text(rec if isinstance(rec, str) else json.dumps(rec))
    return dest

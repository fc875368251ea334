"""Fill a local OSV directory from OSV's per-ecosystem `all.zip` exports (online machines only)."""

from __future__ import annotations

import io
import json
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lockgate.deps.model import Ecosystem
from lockgate.deps.sources.local_dir import SYNC_STAMP, read_manifest
from lockgate.errors import LockgateError

DEFAULT_BUCKET_URL = "https://osv-vulnerabilities.storage.googleapis.com"
MAX_ZIP_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class SyncReport:
    dest: Path
    records: dict[str, int]  # ecosystem -> records written
    synced_at: str


def sync(ecosystems: Sequence[Ecosystem], dest: Path, base_url: str, timeout: float) -> SyncReport:
    """Download and unpack each ecosystem's records into dest/<ecosystem>/, then record the sync.

    Each ecosystem is replaced whole only after its download succeeded, and dated in the
    manifest as soon as it is in place (ecosystems synced earlier keep their own date); any
    failure raises LockgateError (exit 2) naming the URL and leaves the previous data in place.
    """
    dest.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    stamp = ""
    for eco in ecosystems:
        url = f"{base_url.rstrip('/')}/{urllib.parse.quote(eco.value)}/all.zip"
        counts[eco.value] = _install(_download(url, timeout), dest / eco.value, url)
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        write_manifest(dest, eco.value, stamp, counts[eco.value], base_url)
    return SyncReport(dest, counts, stamp)


def write_manifest(dest: Path, ecosystem: str, synced_at: str, records: int, source: str) -> None:
    """Record one ecosystem's sync in the directory's manifest (version 2), atomically."""
    known, _ = read_manifest(dest)
    entries: dict[str, dict[str, object]] = {
        eco: {"synced_at": when, "records": count} for eco, (when, count) in known.items()
    }
    entries[ecosystem] = {"synced_at": synced_at, "records": records, "source": source}
    newest = max(str(e["synced_at"]) for e in entries.values())
    body = {"version": 2, "synced_at": newest, "ecosystems": dict(sorted(entries.items()))}
    tmp = dest / f"{SYNC_STAMP}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(body, indent=2) + "\n")
    tmp.replace(dest / SYNC_STAMP)


def _download(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "lockgate"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read(MAX_ZIP_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise LockgateError(
            f"could not download {url}: {getattr(exc, 'reason', exc)}",
            hint="run the sync where the OSV bucket is reachable (or pass --url for a mirror), "
            "then copy the directory and point advisory_db / $LOCKGATE_ADVISORY_DB at it",
        ) from exc
    if len(data) > MAX_ZIP_BYTES:
        raise LockgateError(f"{url} is larger than {MAX_ZIP_BYTES // 1024**3} GiB; refusing it")
    return data


def _install(data: bytes, target: Path, url: str) -> int:
    staging = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            count = 0
            for member in archive.infolist():
                name = Path(member.filename).name  # never trust paths inside the archive
                if member.is_dir() or not name.endswith(".json"):
                    continue
                (staging / name).write_bytes(archive.read(member))
                count += 1
    except (zipfile.BadZipFile, OSError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise LockgateError(f"{url} is not a usable zip archive: {exc}") from exc
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return count

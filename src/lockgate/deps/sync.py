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
from lockgate.deps.sources.local_dir import SYNC_STAMP
from lockgate.errors import LockgateError

DEFAULT_BUCKET_URL = "https://osv-vulnerabilities.storage.googleapis.com"
MAX_ZIP_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class SyncReport:
    dest: Path
    records: dict[str, int]  # ecosystem -> records written
    synced_at: str


def sync(ecosystems: Sequence[Ecosystem], dest: Path, base_url: str, timeout: float) -> SyncReport:
    """Download and unpack each ecosystem's records into dest/<ecosystem>/, then stamp the time.

    Each ecosystem is replaced whole only after its download succeeded; any failure raises
    LockgateError (exit 2) naming the URL and leaves the previous data in place.
    """
    dest.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for eco in ecosystems:
        url = f"{base_url.rstrip('/')}/{urllib.parse.quote(eco.value)}/all.zip"
        counts[eco.value] = _install(_download(url, timeout), dest / eco.value, url)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    (dest / SYNC_STAMP).write_text(
        json.dumps({"synced_at": stamp, "source": base_url, "records": counts}, indent=2) + "\n"
    )
    return SyncReport(dest, counts, stamp)


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

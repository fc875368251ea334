"""`.lockgate/outbox/`: records kept until the team server has them, one JSON file each.

A record is written here before it is sent and removed once the server answers 2xx, so a crash or
an unreachable server loses nothing; `lockgate sync` sends what is left. A record the server
rejects as malformed is moved to `refused/` with the reason, so it does not block the others.
"""

from __future__ import annotations

import enum
import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

FORMAT = 1
FOLDER = Path(".lockgate") / "outbox"
REFUSED = "refused"


class Kind(enum.StrEnum):
    RUN = "run"
    DEPLOYMENT = "deployment"

    @property
    def endpoint(self) -> str:
        return f"/api/v1/{self.value}s"


@dataclass(frozen=True)
class Record:
    """One run or deployment for the server; `key` is its idempotency key (stable across resends)."""

    kind: Kind
    key: str
    server: str  # base URL it is meant for
    label: str  # for people: "run 20260301T100000Z-a1b2c3", "deployment #4 of shop to production"
    body: dict[str, Any] = field(repr=False)
    file: Path | None = None  # where it is kept, once kept


class Outbox:
    def __init__(self, root: Path) -> None:
        self.folder = root / FOLDER

    def keep(self, record: Record) -> Record:
        """Write `record` (atomically, readable by its owner only); returns it with its file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{record.kind.value}-{_safe(record.key)}.json"
        data = {
            "format": FORMAT,
            "kind": record.kind.value,
            "key": record.key,
            "server": record.server,
            "label": record.label,
            "body": record.body,
        }
        _write_private(path, json.dumps(data, ensure_ascii=False, allow_nan=False) + "\n")
        return replace(record, file=path)

    def records(self) -> tuple[list[Record], list[str]]:
        """The kept records, oldest first, and a problem line for each unreadable file."""
        if not self.folder.is_dir():
            return [], []
        found, problems = [], []
        files = sorted(self.folder.glob("*.json"), key=lambda p: (p.stat().st_mtime, p.name))
        for path in files:
            try:
                found.append(_read(path))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                problems.append(f"{path}: not a record lockgate can send ({exc}); delete it")
        return found, problems

    def remove(self, record: Record) -> None:
        if record.file is not None:
            record.file.unlink(missing_ok=True)

    def refuse(self, record: Record, reason: str) -> Path | None:
        """Move `record` to refused/ with a note saying why; returns where it went."""
        if record.file is None or not record.file.exists():
            return None
        folder = self.folder / REFUSED
        folder.mkdir(exist_ok=True)
        target = folder / record.file.name
        os.replace(record.file, target)
        _write_private(target.with_suffix(".reason.txt"), reason + "\n")
        return target


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", key)[:150]


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _read(path: Path) -> Record:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"format {data.get('format')!r}, this lockgate reads {FORMAT}")
    body = data["body"]
    if not isinstance(body, dict):
        raise TypeError("its body is not a JSON object")
    return Record(
        Kind(data["kind"]), str(data["key"]), str(data["server"]), str(data["label"]), body, path
    )

"""Content-addressed stage cache: same inputs (files, config section, tool versions) → stored result."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from lockgate import __version__
from lockgate.fsutil import digest_text
from lockgate.model import StageResult, Status, result_from_dict, result_to_dict

KEEP_PER_STAGE = 4


class StageCache:
    """Results (and artifacts) by key under `<project>/.lockgate/cache/<stage>/<key>/`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def key(stage: str, stage_key: str, options: Any) -> str:
        section = json.dumps(options, sort_keys=True, default=str)
        return digest_text("v1", __version__, stage, stage_key, section)[:32]

    def get(self, stage: str, key: str, artifacts: Path) -> StageResult | None:
        entry = self.root / stage / key
        try:
            data = json.loads((entry / "result.json").read_text())
            result = result_from_dict(data["result"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent or damaged: run the stage again
        stored = entry / "artifacts"
        if stored.is_dir():
            shutil.copytree(stored, artifacts, dirs_exist_ok=True)
        old = data.get("artifacts_dir", "")
        moved = tuple(_rebase(a, old, str(artifacts)) for a in result.artifacts)
        os.utime(entry)  # most recently used entries are kept
        return replace(result, artifacts=moved, cached=True)

    def put(self, stage: str, key: str, result: StageResult, artifacts: Path) -> None:
        """Store a result unless the stage errored (an error may be transient).

        A cache that cannot be written (full disk, read-only folder, a file in the way) only
        costs the next run its speed: the result is returned to the run all the same.
        """
        if result.status is Status.ERROR:
            return
        with contextlib.suppress(OSError):
            self._store(stage, key, result, artifacts)

    def _store(self, stage: str, key: str, result: StageResult, artifacts: Path) -> None:
        stage_dir = self.root / stage
        stage_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=stage_dir))
        try:
            if artifacts.is_dir():
                shutil.copytree(artifacts, tmp / "artifacts")
            payload = {"artifacts_dir": str(artifacts), "result": result_to_dict(result)}
            (tmp / "result.json").write_text(json.dumps(payload))
            final = stage_dir / key
            if final.exists():
                shutil.rmtree(final, ignore_errors=True)
            tmp.rename(final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self._evict(stage_dir)

    def _evict(self, stage_dir: Path) -> None:
        entries = sorted(
            (p for p in stage_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in entries[KEEP_PER_STAGE:]:
            shutil.rmtree(old, ignore_errors=True)


def _rebase(path: str, old: str, new: str) -> str:
    if old and path.startswith(old + os.sep):
        return new + path[len(old) :]
    return path

"""detect-secrets 1.5.0 (upstream, own venv) over an explicit file list; its JSON holds only hashes."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lockgate.secrets.candidate import Candidate
from lockgate.secrets.engines import DETECT_SECRETS, EngineFailed
from lockgate.tools import proc

PINNED = "1.5.0"
INSTALL_HINT = (
    "run scripts/bootstrap (installs requirements/tool-detect-secrets.txt into"
    ' .venv-tools/detect-secrets), or drop "detect-secrets" from [stages.secrets] engines'
)
_MIN_BATCH = 100  # files; fewer run in one process
_MAX_BATCH = 2000  # files per process, well inside the argument-length limit
# `pragma: allowlist secret` would hide a finding without a reason: lockgate's own marker replaces it.
_INLINE_ALLOWLIST = "detect_secrets.filters.allowlist.is_line_allowlisted"
HELP_URI = "https://github.com/Yelp/detect-secrets#viewing-results"


def version(binary: str) -> str:
    done = proc.run([binary, "--version"], timeout=60)
    return done.stdout.strip() if done.returncode == 0 else "unknown"


def scan(
    binary: str, root: Path, files: Sequence[str], timeout: float, disable: Sequence[str] = ()
) -> list[Candidate]:
    """Candidates for `files` (relative to root); digests are resolved later from the lines.

    detect-secrets is single-threaded (~20 ms a file): big file lists run as parallel batches.
    """
    workers = max(1, min(os.cpu_count() or 1, len(files) // _MIN_BATCH, 8))
    size = max(1, min(_MAX_BATCH, -(-len(files) // workers)))
    batches = [list(files[i : i + size]) for i in range(0, len(files), size)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(
            pool.map(lambda batch: _scan_batch(binary, root, batch, timeout, disable), batches)
        )
    return [c for part in parts for c in part]


def _scan_batch(
    binary: str, root: Path, batch: list[str], timeout: float, disable: Sequence[str]
) -> list[Candidate]:
    flags = [arg for plugin in disable for arg in ("--disable-plugin", plugin)]
    flags += ["--disable-filter", _INLINE_ALLOWLIST]
    done = proc.run([binary, "scan", *flags, "--", *batch], cwd=root, timeout=timeout)
    if done.returncode != 0 or done.timed_out:
        why = "timed out" if done.timed_out else f"exited {done.returncode}"
        raise EngineFailed(f"detect-secrets {why} on {len(batch)} files")
    return _parse(done.stdout)


def _parse(stdout: str) -> list[Candidate]:
    try:
        results = json.loads(stdout)["results"]
    except (ValueError, KeyError, TypeError) as exc:
        raise EngineFailed("detect-secrets printed output lockgate cannot read") from exc
    return [
        Candidate(
            engine=DETECT_SECRETS,
            rule_id=_slug(item["type"]),
            title=f"{item['type']} (detect-secrets)",
            path=path,
            line=int(item["line_number"]),
            locator=f"sha1:{item['hashed_secret']}",
            help_text=f"detect-secrets found a likely {item['type']}. Remove it, rotate it, and load"
            " it from the environment or a secret store.",
            help_uri=HELP_URI,
        )
        for path, items in results.items()
        for item in items
    ]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

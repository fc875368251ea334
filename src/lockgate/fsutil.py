"""Project files as git sees them (tracked + untracked, not ignored), and content digests for the cache."""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from lockgate.tools import proc

ALWAYS_SKIPPED = frozenset(
    {
        ".git",
        ".lockgate",
        ".venv",
        ".venv-tools",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tox",
        "build",
        "dist",
        ".terraform",
    }
)


def project_files(root: Path) -> list[str]:
    """Relative POSIX paths of the project's files, sorted.

    In a git work tree (the project may be a folder inside one): tracked and untracked files that
    git does not ignore (deleted files left out), relative to `root`.
    Elsewhere: every file, skipping the usual tool and cache folders.
    """
    if proc.which("git"):
        done = proc.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            timeout=60,
        )
        if done.returncode == 0:
            names = {n for n in done.stdout.split("\0") if n}
            return sorted(
                n
                for n in names
                if not set(n.split("/")[:-1]) & ALWAYS_SKIPPED and (root / n).is_file()
            )
    return sorted(_walk(root))


def _walk(root: Path) -> Iterable[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ALWAYS_SKIPPED]
        rel = Path(dirpath).relative_to(root)
        for name in filenames:
            yield (rel / name).as_posix()


def matching(files: Iterable[str], patterns: Iterable[str]) -> list[str]:
    """Files whose path or basename matches any glob pattern (fnmatch, `**` allowed)."""
    pats = tuple(patterns)
    return [
        f
        for f in files
        if any(fnmatch.fnmatch(f, p) or fnmatch.fnmatch(f.rsplit("/", 1)[-1], p) for p in pats)
    ]


def digest_files(root: Path, files: Iterable[str]) -> str:
    """sha256 over (path, content) of each file; unreadable files count by name only."""
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(rel.encode() + b"\0")
        try:
            h.update(hashlib.sha256((root / rel).read_bytes()).digest())
        except OSError:
            h.update(b"unreadable")
    return h.hexdigest()


def digest_text(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() + b"\0")
    return h.hexdigest()

"""Project files as git sees them (tracked + untracked, not ignored), and content digests for the cache.

Paths are `str`; a name that is not valid UTF-8 (a Latin-1 `caf\xe9.py`) is kept with Python's
surrogateescape (`caf\udce9.py`), which every `os`/`pathlib` function and subprocess argument turns
back into the original bytes, so such files reach the scanners like any other.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from lockgate import fsread
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


GIT_LS_FILES = ("git", "-c", "core.quotePath=true", "ls-files")


def project_files(root: Path, *, tracked_everywhere: bool = False) -> list[str]:
    """Relative POSIX paths of the project's files, sorted.

    In a git work tree (the project may be a folder inside one): tracked and untracked files that
    git does not ignore (deleted files left out), relative to `root`.
    Elsewhere: every file, skipping the usual tool and cache folders.
    `tracked_everywhere`: the skip list applies only to untracked files (build output); a file git
    tracks is listed whatever folder it sits in (build/, dist/, node_modules/, .tox, ...).
    """
    if proc.which("git"):
        # core.quotePath: git C-quotes every name with a byte over 0x7f or a control character, so
        # its output is ASCII and survives text decoding; unquote() gives back the exact bytes.
        done = proc.run(
            [*GIT_LS_FILES, "--cached", "--others", "--exclude-standard"],
            cwd=root,
            timeout=60,
        )
        if done.returncode == 0:
            names = {unquote(n) for n in done.stdout.split("\n") if n}
            tracked = _tracked(root) if tracked_everywhere else set()
            return sorted(
                n
                for n in names
                if (n in tracked or not set(n.split("/")[:-1]) & ALWAYS_SKIPPED)
                and (root / n).is_file()
            )
    return sorted(_walk(root))


def _tracked(root: Path) -> set[str]:
    done = proc.run([*GIT_LS_FILES, "--cached"], cwd=root, timeout=60)
    return {unquote(n) for n in done.stdout.split("\n") if n} if done.returncode == 0 else set()


_C_ESCAPES = {
    "a": 7,
    "b": 8,
    "t": 9,
    "n": 10,
    "v": 11,
    "f": 12,
    "r": 13,
    '"': 34,
    "\\": 92,
}
_C_QUOTED = re.compile(r"\\([0-7]{3}|.)", re.DOTALL)


def unquote(name: str) -> str:
    """A path as git prints it (C-quoted in double quotes when unusual) -> the path, with any
    byte that is not UTF-8 kept through surrogateescape."""
    if not (len(name) >= 2 and name.startswith('"') and name.endswith('"')):
        return name
    raw = bytearray()
    pos = 0
    body = name[1:-1]
    for match in _C_QUOTED.finditer(body):
        raw += body[pos : match.start()].encode("ascii", "surrogateescape")
        code = match.group(1)
        raw.append(int(code, 8) if len(code) == 3 else _C_ESCAPES.get(code, ord(code) & 0xFF))
        pos = match.end()
    raw += body[pos:].encode("ascii", "surrogateescape")
    return os.fsdecode(bytes(raw))


def fs_bytes(text: str) -> bytes:
    """The bytes of a path or text as the file system has them (surrogateescape undone)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that did not come from a file name
        return text.encode("utf-8", "surrogatepass")


def _walk(root: Path) -> Iterable[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ALWAYS_SKIPPED]
        rel = Path(dirpath).relative_to(root)
        for name in filenames:  # a FIFO or device would block or never end a reader: skipped
            if fsread.is_regular(os.path.join(dirpath, name)):
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
    """sha256 over (path, content) of each file; unreadable files (and anything that is not a
    regular file: a FIFO, a device) count by name only, and are never opened for reading."""
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(fs_bytes(rel) + b"\0")
        try:
            h.update(fsread.sha256(root / rel))
        except OSError:
            h.update(b"unreadable")
    return h.hexdigest()


def digest_text(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(fs_bytes(p) + b"\0")
    return h.hexdigest()

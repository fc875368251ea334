"""Read a file a user pointed at without hanging: regular files only (never a FIFO or a device), size capped.

Opening with O_NONBLOCK returns at once even for a FIFO with no writer; `fstat` on the open file
(not the name, which could be swapped in between) then decides. Problems are OSErrors whose
`strerror` is a sentence, so callers that already report `exc.strerror` say the right thing.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

MIB = 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFile(OSError):
    """The path is a folder, FIFO, device or socket: nothing lockgate should read as a file."""

    def __init__(self, path: Path | str, kind: str) -> None:
        super().__init__(errno.EINVAL, f"{kind}, not a regular file", str(path))
        self.kind = kind


class FileTooLarge(OSError):
    """The file is larger than the reader accepts."""

    def __init__(self, path: Path | str, limit: int) -> None:
        super().__init__(errno.EFBIG, f"larger than {_size(limit)}", str(path))
        self.limit = limit


def kind_of(mode: int) -> str | None:
    """None for a regular file, else what it is ("a named pipe (FIFO)", ...)."""
    if stat.S_ISREG(mode):
        return None
    return next((label for test, label in _KINDS if test(mode)), "not a regular file")


def is_regular(path: Path | str) -> bool:
    """True for a regular file (following symlinks); False for anything else, missing or unreadable."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_bytes(path: Path | str, max_bytes: int) -> bytes:
    """The content of a regular file of at most `max_bytes`; OSError otherwise (never blocks)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        kind = kind_of(info.st_mode)
        if kind is not None:
            raise NotRegularFile(path, kind)
        if info.st_size > max_bytes:
            raise FileTooLarge(path, max_bytes)
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(MIB, max_bytes + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # it grew while we read it
                raise FileTooLarge(path, max_bytes)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path | str, max_bytes: int, encoding: str = "utf-8") -> str:
    """`read_bytes` decoded; UnicodeDecodeError when it is not text in `encoding`."""
    return read_bytes(path, max_bytes).decode(encoding)


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB and limit % MIB == 0 else f"{limit} bytes"


def sha256(path: Path | str) -> bytes:
    """Digest of a regular file's content, read in chunks (any size); OSError for anything else."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        kind = kind_of(os.fstat(fd).st_mode)
        if kind is not None:
            raise NotRegularFile(path, kind)
        h = hashlib.sha256()
        while chunk := os.read(fd, MIB):
            h.update(chunk)
        return h.digest()
    finally:
        os.close(fd)

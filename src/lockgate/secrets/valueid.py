"""Value ids: an HMAC of each secret value under a per-project key, so a report never lets anyone
test guesses (an unkeyed hash of "tiger" is the same in every report of the world).

The key lives in `.lockgate/secrets.key` (created 0600 on first use, git-ignored like the rest of
`.lockgate/`), or comes from $LOCKGATE_SECRETS_KEY (CI: store it as a CI secret so fingerprints
match a baseline made on a developer's machine). The same key gives the same ids, run after run.
"""

from __future__ import annotations

import enum
import errno
import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

KEY_FILE = Path(".lockgate") / "secrets.key"
ENV = "LOCKGATE_SECRETS_KEY"
_MIN_KEY = 16  # characters of an $LOCKGATE_SECRETS_KEY
_MAX_KEY = 4096
_IGNORE = (
    "# lockgate's own files; only the baseline is meant to be committed\n*\n"
    "!.gitignore\n!baseline.json\n"
)


class KeySource(enum.StrEnum):
    FILE = "file"  # read from .lockgate/secrets.key
    CREATED = "created"  # created in this run (a fresh clone: ids differ from other clones')
    ENV = "env"  # $LOCKGATE_SECRETS_KEY
    EPHEMERAL = "ephemeral"  # random, this process only (tests, no project)


class KeyProblem(Exception):
    """The key cannot be read or made (message says why and what to do)."""


@dataclass(frozen=True)
class ValueIds:
    """Keyed ids of secret values. The key never appears in repr, logs or reports."""

    key: bytes = field(repr=False)
    source: KeySource = KeySource.EPHEMERAL

    def of(self, value: str) -> str:
        """HMAC-SHA256 hex of `value`: its identity everywhere lockgate keeps it."""
        data = value.encode("utf-8", "surrogatepass")
        return hmac.new(self.key, data, hashlib.sha256).hexdigest()

    @property
    def key_id(self) -> str:
        """Names the key (for cache keys) without revealing it."""
        return hmac.new(self.key, b"lockgate key id", hashlib.sha256).hexdigest()[:16]


def ephemeral() -> ValueIds:
    return ValueIds(secrets.token_bytes(32), KeySource.EPHEMERAL)


_PROCESS = ephemeral()


def process_ids() -> ValueIds:
    """One random key for this process (callers without a project: tests, scrubbing)."""
    return _PROCESS


def for_project(root: Path, env: dict[str, str] | None = None) -> ValueIds:
    """The project's ids: $LOCKGATE_SECRETS_KEY, else `.lockgate/secrets.key` (made when missing)."""
    environ = os.environ if env is None else env
    configured = environ.get(ENV, "")
    if configured:
        if not _MIN_KEY <= len(configured) <= _MAX_KEY:
            raise KeyProblem(
                f"${ENV} must be {_MIN_KEY} to {_MAX_KEY} characters"
                " (e.g. the contents of .lockgate/secrets.key)"
            )
        return ValueIds(configured.strip().encode(), KeySource.ENV)
    path = root / KEY_FILE
    try:
        return ValueIds(_read(path), KeySource.FILE)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise KeyProblem(f"{KEY_FILE} cannot be read: {exc.strerror or exc}") from None
    return ValueIds(_create(root, path), KeySource.CREATED)


def _read(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if info.st_mode & 0o077:
            os.fchmod(fd, 0o600)  # others could read it (a copy, an unpacked archive): fix that
        data = os.read(fd, _MAX_KEY + 1).strip()
    finally:
        os.close(fd)
    if not _MIN_KEY <= len(data) <= _MAX_KEY:
        raise OSError(errno.EINVAL, "not a key lockgate wrote (delete it to make a new one)")
    return data


def _create(root: Path, path: Path) -> bytes:
    """A new random key, written 0600 at once; a key another process wrote meanwhile wins."""
    try:
        path.parent.mkdir(exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text(_IGNORE, encoding="utf-8")
        key = secrets.token_hex(32).encode()
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, key + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic: never a half-written key, never two keys
        except FileExistsError:
            key = _read(path)
        finally:
            tmp.unlink(missing_ok=True)
        return key
    except OSError as exc:
        raise KeyProblem(
            f"cannot create {KEY_FILE} under {root.name or root}: {exc.strerror or exc}"
        ) from None

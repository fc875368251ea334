"""A project's stable identity in a shared store: `[project] id`, else its git remote, else its name.

Two teams' folders may share a name (`api`); their runs must not share history, baselines or
production checks in one team store. A project in a subfolder of its repository adds that path
(`github.com/org/monorepo/services/api`). The key never holds credentials: a remote URL's user,
password, port, scheme and `.git` suffix are dropped (`git@github.com:Org/Repo.git` and
`https://token@github.com/org/repo` are both `github.com/org/repo`).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from lockgate.tools import proc


class KeySource(enum.StrEnum):
    CONFIGURED = "[project] id"
    REMOTE = "git remote"
    NAME = "project name"


@dataclass(frozen=True)
class ProjectIdentity:
    key: str
    source: KeySource

    def describe(self) -> str:
        return f"{self.key} (from the {self.source.value})"


_SCP = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")  # git@host:org/repo.git


def normalise_remote(url: str) -> str | None:
    """`host/path` of a remote URL, lower case, without credentials or `.git`; None for a local path."""
    url = url.strip()
    if "://" in url:
        parts = urlsplit(url)
        if parts.scheme == "file" or not parts.hostname:
            return None
        host, path = parts.hostname, parts.path
    else:
        match = _SCP.match(url)
        if match is None:
            return None  # a folder on this machine: not the same on the next one
        host, path = match["host"], match["path"]
    path = path.strip("/").removesuffix(".git").strip("/")
    return f"{host}/{path}".lower() if path else None


def project_identity(root: Path, configured: str | None, name: str) -> ProjectIdentity:
    if configured:
        return ProjectIdentity(configured.strip(), KeySource.CONFIGURED)
    remote = _remote_url(root)
    key = normalise_remote(remote) if remote else None
    if key:
        inside = _path_in_repo(root)  # a monorepo holds several projects: each its own key
        return ProjectIdentity(f"{key}/{inside}" if inside else key, KeySource.REMOTE)
    return ProjectIdentity(name, KeySource.NAME)


def _remote_url(root: Path) -> str | None:
    """The URL of `origin`, else of the first remote by name; None outside git or without one."""
    if proc.which("git") is None:
        return None
    names = proc.run(["git", "remote"], cwd=root, timeout=30)
    remotes = sorted(names.stdout.split()) if names.returncode == 0 else []
    if not remotes:
        return None
    chosen = "origin" if "origin" in remotes else remotes[0]
    url = proc.run(["git", "remote", "get-url", chosen], cwd=root, timeout=30)
    return url.stdout.strip() or None if url.returncode == 0 else None


def _path_in_repo(root: Path) -> str:
    done = proc.run(["git", "rev-parse", "--show-prefix"], cwd=root, timeout=30)
    return done.stdout.strip().strip("/") if done.returncode == 0 else ""

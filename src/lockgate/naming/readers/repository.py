"""The repository's name: the last part of the git remote `origin`, else the project folder's name.

A project in a sub-folder of a repository (a monorepo) is named by its folder: the repository's
name is not the service's there.
"""

from __future__ import annotations

from pathlib import Path

from lockgate.naming.interface import Found, NamedObject, ObjectKind, Source
from lockgate.tools import proc


def read(source: Source) -> Found:
    name, where = _from_remote(source.root)
    if name is None:
        name = source.root.resolve().name
        where = "lockgate.toml" if (source.root / "lockgate.toml").is_file() else "."
    obj = NamedObject(ObjectKind.REPOSITORY, name, f"repository {name}", where, 1)
    return Found(objects=(obj,))


def _from_remote(root: Path) -> tuple[str | None, str]:
    if proc.which("git") is None:
        return None, ""
    top = proc.run(["git", "rev-parse", "--show-toplevel"], cwd=root, timeout=30)
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != root.resolve():
        return None, ""
    got = proc.run(["git", "remote", "get-url", "origin"], cwd=root, timeout=30)
    url = got.stdout.strip() if got.returncode == 0 else ""
    last = url.rstrip("/").replace(":", "/").rsplit("/", 1)[-1].removesuffix(".git")
    return (last or None), ".git/config"

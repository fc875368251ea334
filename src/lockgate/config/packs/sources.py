"""Where one `extends` entry comes from: a built-in pack, a path, a pinned git URL or a package.

Every reference becomes a `Layer` (parsed TOML with the line of each key); a reference that
cannot be found, is not pinned or does not parse is a LockgateError with the fix.
"""

from __future__ import annotations

import enum
import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lockgate import fsread
from lockgate.config.keylines import KeyPath, key_lines
from lockgate.config.validate import did_you_mean
from lockgate.errors import LockgateError

ENTRY_POINT_GROUP = "lockgate.packs"
BUILTIN_DIR = Path(__file__).parent
MAX_PACK_BYTES = 1024 * 1024
_NAMED = re.compile(r"^([a-z][a-z0-9-]*)@([0-9]+)$")
_UNVERSIONED = re.compile(r"^[a-z][a-z0-9-]*$")
_COMMIT = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
DEFAULT_GIT_FILE = "lockgate-pack.toml"


class RefKind(enum.StrEnum):
    BUILTIN = "built-in pack"
    PACKAGE = "installed pack"
    PATH = "file"
    GIT = "git"


@dataclass(frozen=True)
class Layer:
    """One layer of configuration: its label for messages, its data and the line of each key."""

    label: str  # "python-service@1", "policy.toml", "git+https://...@abc123#pack.toml"
    kind: RefKind | None  # None: the project's own file
    data: dict[str, Any]
    lines: dict[KeyPath, int]
    identity: str  # what a cycle is detected on (the resolved file, the pack and version)
    base: Path | None  # folder that relative `extends` entries in this layer start from


def builtin_names() -> tuple[str, ...]:
    """Built-in pack references, e.g. ("dotnet-api@1", ..., "terraform@1")."""
    return tuple(sorted(p.stem for p in BUILTIN_DIR.glob("*@*.toml")))


def load_reference(ref: str, base: Path | None, cache: Path, where: str) -> Layer:
    """The layer `ref` names; `base` resolves relative paths, `cache` holds git checkouts."""
    if ref.startswith("git+"):
        return _git(ref, cache, where)
    if m := _NAMED.match(ref):
        return _named(ref, m.group(1), where)
    if _UNVERSIONED.match(ref) and not ref.endswith(".toml"):
        known = [n.split("@")[0] for n in builtin_names()]
        pin = f"{ref}@1" if ref in known else f"{ref}@N"
        raise LockgateError(
            f"extends: the pack '{ref}' has no version" + did_you_mean(ref, known),
            where=where,
            hint=f'name the pack with its version, e.g. "{pin}" (packs change between versions)',
        )
    return _path(ref, base, where)


def parse(label: str, text: str) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    try:
        return tomllib.loads(text), key_lines(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        raise LockgateError(
            f"invalid TOML in a pack: {exc}",
            where=label,
            hint="fix the pack's syntax (see https://toml.io) or pin a version that parses",
        ) from None


def _layer(label: str, kind: RefKind, text: str, identity: str, base: Path | None) -> Layer:
    data, lines = parse(label, text)
    return Layer(label, kind, data, lines, identity, base)


def _named(ref: str, name: str, where: str) -> Layer:
    builtin = BUILTIN_DIR / f"{ref}.toml"
    if builtin.is_file():
        text = builtin.read_text(encoding="utf-8")
        return _layer(ref, RefKind.BUILTIN, text, f"builtin:{ref}", None)
    found = _from_package(ref, name)
    if found is not None:
        return found
    packs = [*builtin_names(), *_installed()]
    versions = [p for p in packs if p.split("@")[0] == name]
    hint = (
        f"versions available: {', '.join(versions)}"
        if versions
        else f"built-in and installed packs: {', '.join(packs)}"
    )
    raise LockgateError(
        f"extends: no pack '{ref}'" + did_you_mean(ref, packs),
        where=where,
        hint=hint + f"; a third-party pack is installed as a package (entry points "
        f"'{ENTRY_POINT_GROUP}'), or give a path or a pinned git URL",
    )


def _installed() -> list[str]:
    from importlib.metadata import entry_points

    names = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        names += [f.stem for f in _package_files(ep.value)]
    return names


def _package_files(module: str) -> list[Path]:
    from importlib.util import find_spec

    try:
        spec = find_spec(module)
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = Path(next(iter(spec.submodule_search_locations)))
    return sorted(folder.glob("*@*.toml"))


def _from_package(ref: str, name: str) -> Layer | None:
    """A pack from an installed package: entry point `name = "package"`, file package/ref.toml."""
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP, name=name):
        for path in _package_files(ep.value):
            if path.stem == ref:
                dist = f"{ep.dist.name} " if ep.dist is not None else ""
                text = fsread.read_text(path, MAX_PACK_BYTES)
                return _layer(ref, RefKind.PACKAGE, text, f"package:{dist}{ref}", None)
    return None


def _path(ref: str, base: Path | None, where: str) -> Layer:
    path = Path(ref).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    try:
        text = fsread.read_text(path, MAX_PACK_BYTES, "utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise LockgateError(
            f"extends: cannot read the pack file '{ref}': {reason}",
            where=where,
            hint="give a TOML file relative to the file that extends it, a built-in pack "
            f"({', '.join(builtin_names())}) or a git URL pinned to a commit",
        ) from None
    resolved = path.resolve()
    return _layer(ref, RefKind.PATH, text, f"file:{resolved}", resolved.parent)


@dataclass(frozen=True)
class GitRef:
    url: str
    commit: str
    file: str


def parse_git(ref: str, where: str) -> GitRef:
    """`git+URL@COMMIT#path/in/repo.toml`; refused unless COMMIT is a full commit hash."""
    body, _, file = ref.removeprefix("git+").partition("#")
    url, at, commit = body.rpartition("@")
    if not at or "/" in commit or not url or url.endswith(":"):
        url, commit = body, ""
    if not _COMMIT.match(commit):
        shown = f"'{commit}' is not a full commit hash" if commit else "it names no commit"
        raise LockgateError(
            f"extends: the git pack '{ref}' is not pinned to a commit ({shown})",
            where=where,
            hint=f"pin it to the full 40-character commit: git+{url}@<commit>#{file or DEFAULT_GIT_FILE} "
            "(a branch or tag can move under you; `git rev-parse HEAD` prints the commit)",
        )
    return GitRef(url, commit, file or DEFAULT_GIT_FILE)


def _git(ref: str, cache: Path, where: str) -> Layer:
    from lockgate.tools import proc

    pinned = parse_git(ref, where)
    checkout = cache / hashlib.sha256(pinned.url.encode()).hexdigest()[:16]
    git = proc.require("git", "install git to use packs from git URLs")
    if not (checkout / "HEAD").is_file():
        checkout.parent.mkdir(parents=True, exist_ok=True)
        done = proc.run(
            [git, "clone", "--bare", "--quiet", "--", pinned.url, str(checkout)], timeout=300
        )
        if done.returncode != 0:
            raise LockgateError(
                f"extends: cannot clone the git pack '{pinned.url}'",
                where=where,
                hint=f"check the URL and your access to it ({done.describe()})",
            )
    show = [git, "--git-dir", str(checkout), "show", f"{pinned.commit}:{pinned.file}"]
    found = proc.run(show, timeout=60)
    if found.returncode != 0:  # perhaps a commit made after the cached clone
        proc.run(
            [git, "--git-dir", str(checkout), "fetch", "--quiet", "--", pinned.url], timeout=300
        )
        found = proc.run(show, timeout=60)
    if found.returncode != 0:
        raise LockgateError(
            f"extends: the git pack has no '{pinned.file}' at commit {pinned.commit[:12]}",
            where=where,
            hint="check the commit and the path after '#' (the pack file inside that repository)",
        )
    return _layer(ref, RefKind.GIT, found.stdout, f"git:{pinned.url}@{pinned.commit}", None)

"""Which project files the sast engines read, and what is left out and why (never silently).

Left out, each counted as `Unchecked`: vendored and minified code (by folder, name or shape),
files over the size limit, binary and unreadable files. Files the user excludes on purpose
(`[stages.sast] exclude`) are not "unchecked": the user chose them.
"""

from __future__ import annotations

import enum
import fnmatch
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lockgate import fsread, fsutil
from lockgate.model import Unchecked

# Folders and names of code a project carries but did not write (libraries copied in, built
# bundles). `static/**/lib/` is the usual place of copied front-end libraries.
VENDORED_DEFAULT = (
    "vendor/**",
    "vendors/**",
    "third_party/**",
    "third-party/**",
    "node_modules/**",
    "bower_components/**",
    "jspm_packages/**",
    "static/**/lib/**",
    "static/**/vendor/**",
    "*.min.js",
    "*.min.mjs",
    "*.bundle.js",
    "*-min.js",
)
# Only these are checked for a minified shape: hand-written Python or C# never looks like it.
_SHAPED = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx")
_HEAD = 64 * 1024
LONG_LINE = 500  # characters: a line this long is generated, not typed
SPARSE = 0.08  # whitespace share below this, with long lines: minified


class Skip(enum.StrEnum):
    VENDORED = "vendored"
    MINIFIED = "minified"
    TOO_BIG = "too big"
    BINARY = "binary"
    UNREADABLE = "unreadable"


_WHY = {
    Skip.VENDORED: (
        "vendored or third-party code (vendor/, node_modules/, static/**/lib/, *.min.js, ...)",
        "set [stages.sast] skip_vendored = false to scan it, or list it in [stages.sast] exclude "
        "to accept it as not yours",
    ),
    Skip.MINIFIED: (
        "minified or generated code (very long lines, almost no whitespace)",
        "scan the source it was built from; set [stages.sast] skip_vendored = false to scan it "
        "anyway, or list it in [stages.sast] exclude",
    ),
    Skip.TOO_BIG: (
        "over the size limit",
        "raise [stages.sast] max_file_kb or list the file in [stages.sast] exclude",
    ),
    Skip.BINARY: ("binary content in a source file", "list it in [stages.sast] exclude"),
    Skip.UNREADABLE: ("cannot be read", "fix its permissions or list it in [stages.sast] exclude"),
}


@dataclass(frozen=True)
class Selection:
    """The files to scan, and those left out (path, why) by kind."""

    files: tuple[str, ...]
    skipped: tuple[tuple[str, Skip], ...] = ()

    def count(self, kind: Skip) -> int:
        return sum(1 for _, k in self.skipped if k is kind)

    def unchecked(self) -> tuple[Unchecked, ...]:
        """One entry per kind of skip: the count, the first few names, why, and the fix."""
        out: list[Unchecked] = []
        for kind in Skip:
            names = [path for path, k in self.skipped if k is kind]
            if names:
                shown = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
                why, fix = _WHY[kind]
                what = f"{len(names)} file(s) not scanned: {shown}"
                out.append(Unchecked(what=what, reason=why, count=len(names), fix=fix))
        return tuple(out)


def select(
    project: Path,
    candidates: Iterable[str],
    *,
    max_bytes: int,
    skip_vendored: bool,
    vendored: Sequence[str] = VENDORED_DEFAULT,
) -> Selection:
    """Split `candidates` (project-relative paths) into files to scan and files left out."""
    keep: list[str] = []
    skipped: list[tuple[str, Skip]] = []
    for rel in candidates:
        why = _vendored(rel, vendored) if skip_vendored else None
        why = why or _unscannable(project / rel, max_bytes, check_shape=skip_vendored)
        if why is None:
            keep.append(rel)
        else:
            skipped.append((rel, why))
    return Selection(tuple(keep), tuple(skipped))


def _vendored(rel: str, patterns: Sequence[str]) -> Skip | None:
    return Skip.VENDORED if any(matches(rel, p) for p in patterns) else None


def matches(rel: str, pattern: str) -> bool:
    """Glob match of a project path: `dir/**` matches that folder at any depth, a pattern without
    a slash matches the file name, `**/` spans any number of folders."""
    name = rel.rsplit("/", 1)[-1]
    if "/" not in pattern:
        return fnmatch.fnmatch(name, pattern)
    if pattern.endswith("/**"):
        folder = pattern[: -len("/**")]
        parents = rel.split("/")[:-1]
        return any(
            _glob("/".join(parents[i : j + 1]), folder)
            for i in range(len(parents))
            for j in range(i, len(parents))
        )
    return _glob(rel, pattern) or _glob(rel, "**/" + pattern)


def _glob(path: str, pattern: str) -> bool:
    """fnmatch where `**/` may also match nothing (`static/**/lib` matches `static/lib`)."""
    return fnmatch.fnmatch(path, pattern) or (
        "**/" in pattern and fnmatch.fnmatch(path, pattern.replace("**/", "", 1))
    )


def _unscannable(path: Path, max_bytes: int, *, check_shape: bool) -> Skip | None:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Skip.TOO_BIG
        head = fsread.read_bytes(path, max_bytes)[:_HEAD]
    except OSError:
        return Skip.UNREADABLE
    if b"\0" in head:
        return Skip.BINARY
    if check_shape and path.name.endswith(_SHAPED) and minified(head):
        return Skip.MINIFIED
    return None


def minified(head: bytes) -> bool:
    """Minified shape: some very long line, and little whitespace overall."""
    if len(head) < LONG_LINE:
        return False
    lines = head.split(b"\n")
    if max(len(line) for line in lines) < LONG_LINE:
        return False
    blanks = sum(head.count(c) for c in (b" ", b"\t", b"\n", b"\r"))
    return blanks / len(head) < SPARSE or len(head) / len(lines) > LONG_LINE


def candidates(project: Path, exclude: Sequence[str], wanted: Callable[[str], bool]) -> list[str]:
    """Project files (git-tracked ones wherever they sit) an engine reads, minus `exclude`."""
    every = fsutil.project_files(project, tracked_everywhere=True)
    excluded = set(fsutil.matching(every, exclude))
    return [f for f in every if f not in excluded and wanted(f)]

"""What the secret engines read: working-tree files (with skip reasons), git diffs, historical lines."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lockgate.tools import proc

_SNIFF = 8192
ZERO_SHA = re.compile(r"^0+$")


class SkipReason(enum.StrEnum):
    BINARY = "binary"
    TOO_LARGE = "too_large"
    UNREADABLE = "unreadable"
    OUTSIDE = "outside_project"  # a symlink to a file outside the project: git stores only the link


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: SkipReason
    detail: str = ""


def read_text(root: Path, rel: str, max_size: int) -> str | Skipped:
    """The file's text, or why it was skipped (binary, larger than max_size bytes, unreadable)."""
    path = root / rel
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            return Skipped(rel, SkipReason.OUTSIDE, "symlink to a file outside the project")
        size = path.stat().st_size
        if size > max_size:
            with path.open("rb") as fh:  # a big image or archive is binary, not "too large"
                binary = b"\0" in fh.read(_SNIFF)
            detail = f"{size} bytes > max_file_size {max_size}"
            return Skipped(rel, SkipReason.BINARY if binary else SkipReason.TOO_LARGE, detail)
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(rel, SkipReason.UNREADABLE, exc.strerror or type(exc).__name__)
    if b"\0" in data[:_SNIFF]:
        return Skipped(rel, SkipReason.BINARY)
    return data.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Chunk:
    """Consecutive added lines of one file in one commit (commit None: staged or working tree)."""

    commit: str | None
    path: str
    first_line: int
    text: str


def parse_diff(diff: str) -> Iterator[Chunk]:
    """Added-line chunks from `git log -p -U0 --format=%x00%H` or `git diff -U0` output."""
    commit: str | None = None
    path: str | None = None
    lines: list[str] = []
    first, next_line, header = 0, 0, False

    def flush() -> Iterator[Chunk]:
        if path is not None and lines:
            yield Chunk(commit, path, first, "\n".join(lines))

    for raw in diff.split("\n"):
        if raw.startswith("\0"):
            yield from flush()
            commit, path, lines = raw[1:].strip() or None, None, []
        elif header and raw.startswith("+++ "):
            yield from flush()
            lines = []
            target = _unquote(raw[4:].removesuffix("\t"))  # git adds a tab after names with spaces
            path = target[2:] if target.startswith("b/") else None
        elif raw.startswith("@@"):
            yield from flush()
            lines, header = [], False
            m = re.search(r"\+(\d+)", raw)
            first = next_line = int(m.group(1)) if m else 0
        elif raw.startswith("+") and path is not None:
            lines.append(raw[1:])
            next_line += 1
        elif raw.startswith("diff --git"):
            yield from flush()
            path, lines, header = None, [], True
    yield from flush()


_ESCAPES = {"\\": "\\", '"': '"', "t": "\t", "n": "\n", "r": "\r"}


def _unquote(name: str) -> str:
    """git's C-style quoting of unusual file names ("b/a \\"q\\".py") undone."""
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), name[1:-1])


def _git(root: Path, args: Sequence[str], timeout: float) -> proc.Completed:
    return proc.run(["git", "-c", "core.quotePath=false", *args], cwd=root, timeout=timeout)


def has_commits(root: Path) -> bool:
    done = _git(root, ["rev-parse", "--verify", "-q", "HEAD"], 30)
    return done.returncode == 0


def head_sha(root: Path) -> str | None:
    done = _git(root, ["rev-parse", "--verify", "-q", "HEAD"], 30)
    return done.stdout.strip() or None if done.returncode == 0 else None


# A merge commit's own additions (a conflict resolved with a new line, an "evil merge"): plain
# `git log -p` shows no diff for merges at all. `remerge` (git >= 2.36) shows just what the merge
# added over git's automatic merge; older gits get `-m` (a diff against each parent: slower, and
# the side branch's lines again, which de-duplicate by value).
_MERGE_DIFFS = ("--diff-merges=remerge", "-m")


def bad_revisions(root: Path, revision_range: str) -> list[str]:
    """The ends of `a..b` / `a...b` / `a` that git cannot resolve to a commit in this clone."""
    ends = [e for e in re.split(r"\.\.\.?", revision_range) if e]
    bad = []
    for end in ends:
        done = _git(
            root, ["rev-parse", "--verify", "-q", "--end-of-options", f"{end}^{{commit}}"], 30
        )
        if done.returncode != 0:
            bad.append(end)
    return bad


def tracked(root: Path, rel: str) -> bool:
    """Whether git tracks the file `rel` (False outside a git work tree)."""
    done = _git(root, ["ls-files", "--error-unmatch", "--", rel], 30)
    return done.returncode == 0


def history_chunks(root: Path, revs: Sequence[str], timeout: float) -> Iterator[Chunk]:
    """Added lines of every commit in `revs` (git log arguments, e.g. ["HEAD"] or ["a..b"]),
    merge commits included."""
    for merges in _MERGE_DIFFS:
        done = _git(
            root,
            [
                "log",
                "-p",
                "-U0",
                merges,
                "--no-color",
                "--no-ext-diff",
                "--no-renames",
                "--format=%x00%H",
                *revs,
                "--",
            ],
            timeout,
        )
        if done.returncode == 0 or "diff-merges" not in done.stderr:
            break
    if done.returncode != 0:
        raise GitFailed(done.describe())
    return parse_diff(done.stdout)


def staged_chunks(root: Path, timeout: float) -> Iterator[Chunk]:
    """Lines added in the index (what `git commit` would record)."""
    done = _git(
        root, ["diff", "--cached", "-U0", "--no-color", "--no-ext-diff", "--no-renames"], timeout
    )
    if done.returncode != 0:
        raise GitFailed(done.describe())
    return parse_diff(done.stdout)


def checkout_index(root: Path, paths: Sequence[str], dest: Path, timeout: float) -> None:
    """Write the index's version of `paths` under `dest` (same relative paths)."""
    done = proc.run(
        ["git", "checkout-index", "-f", f"--prefix={dest}/", "--stdin", "-z"],
        cwd=root,
        timeout=timeout,
        input="\0".join(paths) + "\0",
    )
    if done.returncode != 0:
        raise GitFailed(done.describe())


class GitFailed(Exception):
    """A git command lockgate needs failed (message: command, exit code, output tail)."""


def push_revs(stdin: str) -> list[list[str]]:
    """git log arguments for each ref a pre-push hook receives (`local_ref local_sha remote_ref remote_sha`)."""
    revs = []
    for line in stdin.splitlines():
        parts = line.split()
        if len(parts) != 4 or ZERO_SHA.match(parts[1]):
            continue  # malformed, or a branch deletion: nothing is added
        local, remote = parts[1], parts[3]
        revs.append(
            [local, "--not", "--remotes"] if ZERO_SHA.match(remote) else [f"{remote}..{local}"]
        )
    return revs


class LineSource:
    """Lines of a file in the working tree, the index (commit ":") or a commit, read once each."""

    def __init__(self, root: Path, max_size: int) -> None:
        self.root = root
        self.max_size = max_size
        self._cache: dict[tuple[str | None, str], list[str]] = {}

    def line(self, path: str, number: int, commit: str | None = None) -> str:
        lines = self._lines(path, commit)
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def _lines(self, path: str, commit: str | None) -> list[str]:
        key = (commit, path)
        if key not in self._cache:
            self._cache[key] = self._load(path, commit).split("\n")
        return self._cache[key]

    def _load(self, path: str, commit: str | None) -> str:
        if commit is None:
            text = read_text(self.root, path, self.max_size)
            return text if isinstance(text, str) else ""
        spec = f":{path}" if commit == ":" else f"{commit}:{path}"
        done = _git(self.root, ["show", spec], 60)
        return done.stdout if done.returncode == 0 else ""

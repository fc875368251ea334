"""What git knows about shipped commits: commit ranges with committer dates, tags, pull requests."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from lockgate.errors import LockgateError
from lockgate.metrics.timeparse import from_unix
from lockgate.tools import proc

_SEP = "\x1f"
_SQUASH_SUBJECT = re.compile(r"\(#(\d+)\)\s*$")  # GitHub's squash merge: "Title (#123)"
_PR_REF = re.compile(r"^refs/(?:remotes/[^/]+/)?(?:pull|pr)/(\d+)(?:/head)?$")
_TIMEOUT = 120


@dataclass(frozen=True)
class Commit:
    sha: str
    committed: datetime  # committer date
    parents: int
    subject: str

    @property
    def pull_request(self) -> int | None:
        """The PR number of a squash-merge commit ("Title (#123)", one parent), else None."""
        match = _SQUASH_SUBJECT.search(self.subject)
        return int(match.group(1)) if match and self.parents == 1 else None


@dataclass(frozen=True)
class Tag:
    name: str
    commit: str | None  # None: the tag points at something that is not a commit
    when: datetime | None  # annotated: tagger date; lightweight: the commit's committer date
    annotated: bool


class Repo:
    """A git work tree; every call goes through lockgate.tools.proc."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _git(self, *args: str, input: str | None = None) -> proc.Completed:
        return proc.run(["git", "-C", str(self.root), *args], timeout=_TIMEOUT, input=input)

    def _ok(self, *args: str, input: str | None = None) -> str:
        done = self._git(*args, input=input)
        if done.returncode != 0 or done.timed_out:
            raise LockgateError(f"git failed: {done.describe()}", where=str(self.root))
        return done.stdout

    @cached_property
    def is_repo(self) -> bool:
        if not proc.which("git"):
            return False
        return self._git("rev-parse", "--git-dir").returncode == 0

    @cached_property
    def shallow_roots(self) -> frozenset[str]:
        """Commits whose parents a shallow clone left out (empty in a full clone)."""
        if self._git("rev-parse", "--is-shallow-repository").stdout.strip() != "true":
            return frozenset()
        path = Path(self._ok("rev-parse", "--git-path", "shallow").strip())
        path = path if path.is_absolute() else self.root / path
        try:
            return frozenset(path.read_text().split())
        except OSError:
            return frozenset()

    @property
    def is_shallow(self) -> bool:
        return bool(self.shallow_roots)

    def resolve(self, revs: Iterable[str]) -> dict[str, str]:
        """Each rev that names a commit here → its full sha (one git call for all)."""
        wanted = [r for r in dict.fromkeys(revs) if r and "\n" not in r]
        if not wanted:
            return {}
        out = self._ok(
            "cat-file", "--batch-check", input="".join(f"{r}^{{commit}}\n" for r in wanted)
        )
        found: dict[str, str] = {}
        for rev, line in zip(wanted, out.splitlines(), strict=False):
            parts = line.split()
            if len(parts) >= 2 and parts[1] == "commit":
                found[rev] = parts[0]
        return found

    def commits(self, tip: str, exclude: Sequence[str]) -> list[Commit]:
        """Commits reachable from `tip` and from none of `exclude`, newest first (merges too)."""
        stdin = "".join(f"^{sha}\n" for sha in exclude)
        out = self._ok("log", f"--format=%H{_SEP}%ct{_SEP}%P{_SEP}%s", "--stdin", tip, input=stdin)
        return [_commit(line) for line in out.splitlines() if line]

    @cached_property
    def pull_request_heads(self) -> dict[int, str]:
        """PR number → head commit, from refs/pull/N/head (and remotes' pull/N, pr/N refs)."""
        out = self._ok(
            "for-each-ref", "--format=%(refname) %(objectname)", "refs/pull", "refs/remotes"
        )
        heads: dict[int, str] = {}
        for line in out.splitlines():
            ref, _, sha = line.partition(" ")
            match = _PR_REF.match(ref)
            if match:
                heads.setdefault(int(match.group(1)), sha)
        return heads

    def earliest_commit(self, head: str, base: str) -> datetime | None:
        """The oldest committer date among the commits of `head` that `base` does not have."""
        done = self._git("log", "--format=%ct", head, f"^{base}")
        stamps = [int(s) for s in done.stdout.split()] if done.returncode == 0 else []
        return from_unix(min(stamps)) if stamps else None

    def tags(self, pattern: str) -> list[Tag]:
        """Tags matching a glob such as 'v*', with the time each stands for."""
        fields = [
            "%(refname:strip=2)",
            "%(objecttype)",
            "%(objectname)",
            "%(taggerdate:unix)",
            "%(committerdate:unix)",
            "%(*objecttype)",
            "%(*objectname)",
            "%(*committerdate:unix)",
        ]
        out = self._ok("for-each-ref", f"--format={_SEP.join(fields)}", f"refs/tags/{pattern}")
        return [_tag(line.split(_SEP)) for line in out.splitlines() if line]


def _commit(line: str) -> Commit:
    sha, stamp, parents, subject = line.split(_SEP, 3)
    return Commit(sha, from_unix(stamp), len(parents.split()), subject)


def _tag(parts: list[str]) -> Tag:
    name, kind, sha, tagged, committed, peeled_kind, peeled, peeled_committed = parts
    if kind == "commit":
        return Tag(name, sha, from_unix(committed), annotated=False)
    if kind == "tag" and peeled_kind == "commit":
        stamp = tagged or peeled_committed
        return Tag(name, peeled, from_unix(stamp) if stamp else None, annotated=True)
    return Tag(name, None, None, annotated=kind == "tag")

"""A real git repository built in a test, with commits and tags at chosen times."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path


class GitRepo:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "dev@lockgate.invalid")
        self.git("config", "user.name", "lockgate tests")
        self.git("config", "commit.gpgsign", "false")
        self.git("config", "tag.gpgsign", "false")

    def git(self, *args: str, at: datetime | None = None) -> str:
        env = dict(os.environ)
        if at is not None:
            stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
            env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def commit(self, message: str, at: datetime, *, author_at: datetime | None = None) -> str:
        """A commit changing one file; returns its sha. `author_at` differs from `at` when given."""
        name = f"{message.split()[0].lower()}-{at:%Y%m%d%H%M%S}.txt"
        (self.root / name).write_text(message + "\n")
        self.git("add", name)
        env_at = at
        self.git("commit", "-q", "-m", message, at=env_at)
        if author_at is not None:
            stamp = author_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
            self.git("commit", "-q", "--amend", "--no-edit", f"--date={stamp}", at=at)
        return self.sha("HEAD")

    def sha(self, rev: str) -> str:
        return self.git("rev-parse", rev)

    def tag(self, name: str, at: datetime | None = None, rev: str = "HEAD") -> None:
        """Annotated (tagger date `at`) when `at` is given, else lightweight."""
        if at is None:
            self.git("tag", name, rev)
        else:
            self.git("tag", "-a", name, "-m", name, rev, at=at)

"""What git says about the project: commit, branch (CI variables win where git cannot tell)."""

from __future__ import annotations

import os
from pathlib import Path

from lockgate.stages.interface import GitInfo
from lockgate.tools import proc


def read_git(root: Path, base_branch: str = "main") -> GitInfo:
    if not proc.which("git"):
        return GitInfo(base_branch=base_branch)
    top = proc.run(["git", "rev-parse", "--show-toplevel"], cwd=root, timeout=30)
    if top.returncode != 0:
        return GitInfo(base_branch=base_branch)
    head = proc.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root, timeout=30)
    branch = proc.run(["git", "symbolic-ref", "--short", "-q", "HEAD"], cwd=root, timeout=30)
    name = (
        branch.stdout.strip()
        or os.environ.get("GITHUB_HEAD_REF")
        or os.environ.get("GITHUB_REF_NAME")
        or os.environ.get("CI_COMMIT_REF_NAME")
    )
    return GitInfo(
        is_repo=True,
        commit=head.stdout.strip() or None,
        branch=name or None,
        base_branch=base_branch,
    )

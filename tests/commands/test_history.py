"""`lockgate history` in a team store: a project's own runs, by its stable identity, said so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CLEAN = {"app.py": "def add(a: int, b: int) -> int:\n    return a + b\n"}


def project(root: Path, remote: str) -> Path:
    root.mkdir(parents=True)
    for rel, text in CLEAN.items():
        (root / rel).write_text(text)
    for args in (["init", "-q", "-b", "main"], ["remote", "add", "origin", remote]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return root


def test_folders_named_alike_keep_their_own_history(tmp_path: Path) -> None:
    env = {**os.environ, "CI": "1", "LOCKGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'team.db'}"}

    def lockgate(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "lockgate", *args]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)

    team_a = project(tmp_path / "a" / "api", "git@github.com:team-a/api.git")
    team_b = project(tmp_path / "b" / "api", "https://github.com/team-b/api")
    (team_b / "bad.py").write_text("import os\n")
    assert lockgate("run", str(team_a), "--only", "lint").returncode == 0
    assert lockgate("run", str(team_b), "--only", "lint").returncode == 1
    shown = lockgate("history", str(team_a))
    assert shown.returncode == 0, shown.stderr
    assert "identity github.com/team-a/api (from the git remote)" in shown.stdout
    assert shown.stdout.count(" passed ") == 1 and " failed " not in shown.stdout, shown.stdout

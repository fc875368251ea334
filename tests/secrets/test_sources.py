"""Reading files with skip reasons, parsing git diffs, pre-push refs."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lockgate.secrets.sources import (
    Skipped,
    SkipReason,
    history_chunks,
    parse_diff,
    push_revs,
    read_text,
)

DIFF = "\n".join(
    [
        "\0" + "a" * 40,
        "",
        "diff --git a/x.py b/x.py",
        "--- a/x.py",
        "+++ b/x.py",
        "@@ -1,0 +2,2 @@",
        "+first",
        "++++ not a header",
        "@@ -9 +10 @@",
        "-gone",
        "+tenth",
        "diff --git a/old.txt b/old.txt",
        "--- a/old.txt",
        "+++ /dev/null",
        "@@ -1 +0,0 @@",
        "-bye",
    ]
)


def test_parse_diff_gives_added_chunks_with_new_line_numbers() -> None:
    chunks = list(parse_diff(DIFF))
    assert [(c.commit, c.path, c.first_line, c.text) for c in chunks] == [
        ("a" * 40, "x.py", 2, "first\n+++ not a header"),
        ("a" * 40, "x.py", 10, "tenth"),
    ]


def test_push_revs() -> None:
    zero, a, b = "0" * 40, "a" * 40, "b" * 40
    stdin = f"refs/heads/x {a} refs/heads/x {b}\nrefs/heads/new {a} refs/heads/new {zero}\n"
    stdin += f"(delete) {zero} refs/heads/old {b}\ngarbage\n"
    assert push_revs(stdin) == [[f"{b}..{a}"], [a, "--not", "--remotes"]]


def test_read_text_skip_reasons(tmp_path: Path) -> None:
    (tmp_path / "bin").write_bytes(b"a\0b")
    (tmp_path / "big").write_text("x" * 11)
    (tmp_path / "dir").mkdir()
    (tmp_path / "ok").write_text("hello")
    assert read_text(tmp_path, "ok", 10) == "hello"
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("secret")
    (tmp_path / "link").symlink_to(outside)
    (tmp_path / "inner").symlink_to(tmp_path / "ok")
    assert read_text(tmp_path, "link", 10).reason is SkipReason.OUTSIDE  # type: ignore[union-attr]
    assert read_text(tmp_path, "inner", 10) == "hello"
    assert read_text(tmp_path, "dir", 10**6).reason is SkipReason.UNREADABLE  # type: ignore[union-attr]
    for name, reason in [
        ("bin", SkipReason.BINARY),
        ("big", SkipReason.TOO_LARGE),
        ("missing", SkipReason.UNREADABLE),
    ]:
        got = read_text(tmp_path, name, 10)
        assert isinstance(got, Skipped) and got.reason is reason, name


def test_history_includes_what_a_merge_commit_itself_added(tmp_path: Path) -> None:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, text=True)
        return done.stdout.strip()

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    (tmp_path / "c.py").write_text("a = 1\n")
    git("add", "c.py")
    git("commit", "-qm", "one")
    git("checkout", "-q", "-b", "side")
    (tmp_path / "c.py").write_text("a = 2\n")
    git("commit", "-qam", "side")
    git("checkout", "-q", "main")
    (tmp_path / "c.py").write_text("a = 3\n")
    git("commit", "-qam", "main")
    git("merge", "-q", "side")  # conflicts: resolved below with a line neither side had
    (tmp_path / "c.py").write_text("a = 4\nresolved_with = 'merge-only line'\n")
    git("add", "c.py")
    git("commit", "-qm", "merge")
    merge = git("rev-parse", "HEAD")

    chunks = [c for c in history_chunks(tmp_path, ["HEAD"], 60) if c.commit == merge]
    assert any("merge-only line" in c.text and c.path == "c.py" for c in chunks)

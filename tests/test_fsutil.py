"""fsutil.project_files: every file git sees reaches the stages, whatever bytes its name holds."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from lockgate import fsutil
from tests.testing.harness import init_git

# (bytes of the name, as git stores it) -> the str lockgate uses (surrogateescape where not UTF-8)
NAMES = [
    (b"caf\xe9.py", "caf\udce9.py"),  # Latin-1: not UTF-8
    ("café.py".encode(), "café.py"),
    (b"tab\there.py", "tab\there.py"),
    (b"new\nline.py", "new\nline.py"),
    (b'quote"and\\backslash.py', 'quote"and\\backslash.py'),
    (b"bell\x07esc\x1b.py", "bell\x07esc\x1b.py"),
    (b' "quoted" .py', ' "quoted" .py'),
    (b"plain.py", "plain.py"),
]


def make_tree(root: Path, *, tracked: bool) -> None:
    os.makedirs(os.fsencode(root / "app"))
    for raw, _ in NAMES:
        with open(os.fsencode(root / "app") + b"/" + raw, "wb") as handle:
            handle.write(b"x = 1\n")
    if tracked:
        init_git(root)


@pytest.mark.parametrize("tracked", [True, False], ids=["committed", "untracked"])
def test_every_name_is_listed_and_opens(tmp_path: Path, tracked: bool) -> None:
    root = tmp_path / "p"
    root.mkdir()
    if not tracked:
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    make_tree(root, tracked=tracked)
    files = fsutil.project_files(root)
    assert sorted(files) == sorted(f"app/{name}" for _, name in NAMES)
    for name in files:
        assert (root / name).read_bytes() == b"x = 1\n"  # the str path opens the real file


def test_outside_git_every_name_is_listed_too(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    make_tree(root, tracked=False)
    assert sorted(fsutil._walk(root)) == sorted(f"app/{name}" for _, name in NAMES)


def test_digests_take_names_that_are_not_utf8(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    make_tree(root, tracked=True)
    files = fsutil.project_files(root)
    before = fsutil.digest_files(root, files)
    assert fsutil.digest_text(*files) and before == fsutil.digest_files(root, files)
    (root / "app" / "caf\udce9.py").write_text("x = 2\n")
    assert fsutil.digest_files(root, files) != before


@pytest.mark.parametrize(
    ("shown", "name"),
    [
        ("plain.py", "plain.py"),
        ('"caf\\351.py"', "caf\udce9.py"),
        ('"caf\\303\\251.py"', "café.py"),
        ('"a\\tb\\n\\"c\\\\"', 'a\tb\n"c\\'),
        ('"\\a\\b\\v\\f\\r"', "\a\b\v\f\r"),
    ],
)
def test_unquote_reads_git_c_quoting(shown: str, name: str) -> None:
    assert fsutil.unquote(shown) == name

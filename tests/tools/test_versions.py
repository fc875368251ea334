"""Tool versions are asked once per binary, remembered on disk, and asked again when it changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lockgate.tools import versions


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(versions.ENV_VAR, str(tmp_path / "cache"))
    monkeypatch.setattr(versions, "_MEMORY", {})


def _binary(tmp_path: Path, text: str = "v1") -> Path:
    exe = tmp_path / "tool"
    exe.write_text(text)
    return exe


def test_a_version_is_asked_once_and_kept_across_processes(tmp_path: Path) -> None:
    exe = _binary(tmp_path)
    asked: list[str] = []

    def probe(binary: str) -> str:
        asked.append(binary)
        return "8.30.1"

    assert versions.version(str(exe), probe) == "8.30.1"
    versions._MEMORY.clear()  # as a new process would start
    assert versions.version(str(exe), probe) == "8.30.1"
    assert len(asked) == 1
    assert versions.cache_file().is_file()


def test_a_changed_binary_is_asked_again(tmp_path: Path) -> None:
    exe = _binary(tmp_path)
    answers = iter(["1.0", "2.0"])
    assert versions.version(str(exe), lambda _: next(answers)) == "1.0"
    exe.write_text("a new build, longer")
    os.utime(exe, ns=(1, 10**18))
    versions._MEMORY.clear()
    assert versions.version(str(exe), lambda _: next(answers)) == "2.0"


def test_missing_binary_and_failed_probe_are_not_remembered(tmp_path: Path) -> None:
    assert versions.version(str(tmp_path / "absent"), lambda _: "9") == "unknown"
    exe = _binary(tmp_path)
    assert versions.version(str(exe), lambda _: "unknown") == "unknown"
    versions._MEMORY.clear()
    assert versions.version(str(exe), lambda _: "3.1") == "3.1"


def test_a_corrupt_cache_file_is_ignored(tmp_path: Path) -> None:
    versions.cache_file().parent.mkdir(parents=True)
    versions.cache_file().write_text("{not json")
    assert versions.version(str(_binary(tmp_path)), lambda _: "4.2") == "4.2"

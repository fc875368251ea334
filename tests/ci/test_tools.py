"""The CI jobs' pinned scanners: the same pins as lockgate's own requirements, installed once."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from lockgate.ci.tools import STAGE_TOOLS, TOOLS, digest, install_command
from tests.testing.harness import REPO


def requirement_lines(path: Path) -> tuple[str, ...]:
    """A requirements file's requirements, continuation lines joined, comments dropped."""
    text = path.read_text("utf-8").replace("\\\n", " ")
    lines = (
        line.split("#", 1)[0] if " #" in line or line.startswith("#") else line
        for line in text.splitlines()
    )
    return tuple(" ".join(line.split()) for line in lines if line.strip())


@pytest.mark.parametrize("tool", sorted(set(TOOLS) - {"ruff"}))
def test_pins_match_the_repository_requirements(tool: str) -> None:
    assert TOOLS[tool] == requirement_lines(REPO / "requirements" / f"tool-{tool}.txt")


def test_ruff_is_pinned_as_in_the_dev_requirements() -> None:
    assert TOOLS["ruff"][0] in requirement_lines(REPO / "requirements" / "dev.txt")


def test_every_stage_tool_is_pinned_and_the_digest_follows_the_pins() -> None:
    assert {t for tools in STAGE_TOOLS.values() for t in tools} <= set(TOOLS)
    assert digest("sast") != digest("lint") and digest("unknown") == digest("other")


def test_an_installed_tool_is_not_installed_again(tmp_path: Path) -> None:
    tool = tmp_path / "semgrep" / "bin" / "semgrep"
    tool.parent.mkdir(parents=True)
    tool.write_text("#!/bin/sh\n", "utf-8")
    tool.chmod(0o755)
    env = {**os.environ, "LOCKGATE_TOOLS_DIR": str(tmp_path), "PATH": "/nonexistent"}
    done = subprocess.run(["/bin/sh", "-c", install_command("semgrep")], env=env, check=False)
    assert done.returncode == 0  # no python on PATH: it would fail had it tried to install
    assert not (tmp_path / "semgrep" / "requirements.txt").exists()

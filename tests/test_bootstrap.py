"""Set-up scripts: bootstrap is idempotent and fast, CI runs the README's test command."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOTSTRAP = ROOT / "scripts" / "bootstrap"
BUILD_BASE_IMAGE = ROOT / "scripts" / "build-base-image"


def _run(args: list[str], timeout: float, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.slow
def test_second_bootstrap_run_does_nothing() -> None:
    # The first run brings everything up to date (already the case after `make test`).
    first = _run([str(BOOTSTRAP)], timeout=1800)
    assert first.returncode == 0, first.stdout + first.stderr

    second = _run([str(BOOTSTRAP)], timeout=60)
    output = second.stdout + second.stderr
    assert second.returncode == 0, output
    assert "installing" not in output, output
    assert re.search(r"^bootstrap: everything up to date \(\d+ steps", output, re.M), output
    for step in ("system packages", ".venv", ".cache/containers/containers.conf"):
        assert f"bootstrap: {step} up to date" in output, output
    for req in sorted((ROOT / "requirements").glob("tool-*.txt")):
        name = req.stem.removeprefix("tool-")
        assert f"bootstrap: .venv-tools/{name} up to date" in output, output


def test_ci_run_execs_make_test() -> None:
    ci_run = ROOT / ".ci" / "run"
    assert os.access(ci_run, os.X_OK), ".ci/run must be executable"
    commands = [
        line.strip()
        for line in ci_run.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[-1] == "exec make test", commands
    assert not any("pytest" in c for c in commands), "CI must run the README's command only"


def test_make_test_bootstraps_then_runs_pytest() -> None:
    dry = _run(["make", "-n", "test"], timeout=30)
    assert dry.returncode == 0, dry.stderr
    out = dry.stdout
    assert "scripts/bootstrap" in out and "-m pytest" in out, out
    assert out.index("scripts/bootstrap") < out.index("-m pytest"), out
    assert "scripts/pg-test-server stop" in out, "make test must stop the server it starts"


def test_readme_names_the_two_commands() -> None:
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.skip("README.md is written at the end by the lead")
    text = readme.read_text()
    assert "make demo" in text
    assert "make test" in text


def _mirror(apt_etc: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LOCKGATE_DEBIAN_MIRROR"}
    env["LOCKGATE_APT_ETC"] = str(apt_etc)
    return subprocess.run(
        [str(BUILD_BASE_IMAGE), "--print-mirror"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_base_image_mirror_comes_from_apts_deb822_sources(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "# security first, so the suite must match exactly\n"
        "Types: deb\nURIs: http://security.mirror.test/debian-security\n"
        "Suites: bookworm-security\nComponents: main\n\n"
        "Types: deb\nURIs: http://disabled.mirror.test/debian\nSuites: bookworm\n"
        "Enabled: no\n\n"
        "Types: deb deb-src\nURIs: http://main.mirror.test/debian\n"
        "Suites: bookworm bookworm-updates\nComponents: main\n"
    )
    result = _mirror(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://main.mirror.test/debian"


def test_base_image_mirror_comes_from_one_line_sources(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text(
        "deb http://security.mirror.test/debian-security bookworm-security main\n"
        "# deb http://commented.mirror.test/debian bookworm main\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://list.mirror.test/debian bookworm main\n"
    )
    result = _mirror(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://list.mirror.test/debian"


def test_base_image_without_a_bookworm_source_says_how_to_fix(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text("deb http://other.test/ubuntu jammy main\n")
    result = _mirror(tmp_path)
    assert result.returncode == 2
    assert "LOCKGATE_DEBIAN_MIRROR" in result.stderr
    assert str(tmp_path) in result.stderr

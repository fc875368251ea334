"""The test stage's environment: what wins, what gets created (uv offline from wheels, npm ci), reuse."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from lockgate.model import Status
from lockgate.stages.test import TestStage
from lockgate.testrun import environments
from tests.testing.harness import EXAMPLES, make_context, run_stage

WHEELS = EXAMPLES / "tenancy-api" / "wheels"
needs_wheels = pytest.mark.skipif(
    not WHEELS.is_dir(), reason="the example's wheels/ folder is made by scripts/bootstrap"
)
PYTEST_REQUIREMENTS = (
    "pytest==9.2.0\niniconfig==2.3.1\npackaging==26.4\npluggy==1.7.0\nPygments==2.21.0\n"
)


def project_with(root: Path, files: Mapping[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def options(project: Path, tmp_path: Path, **given: Any) -> Mapping[str, Any]:
    return make_context(TestStage, project, tmp_path / "art", **given).options


def choose(project: Path, tmp_path: Path, **given: Any) -> environments.Choice:
    return environments.choose(project, options(project, tmp_path, **given))


@pytest.mark.parametrize(
    ("files", "claimed"),
    [
        (
            {"requirements.txt": "x\n", "requirements-dev.txt": "y\n"},
            ("requirements-dev.txt", "requirements.txt"),
        ),
        (
            {"uv.lock": "", "pyproject.toml": "[project]\nname='p'\n", "requirements.txt": ""},
            ("uv.lock", "pyproject.toml"),
        ),
        ({"pyproject.toml": "[project]\nname = 'p'\ndependencies = ['x']\n"}, ("pyproject.toml",)),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, ()),  # tool settings only
        ({"pyproject.toml": "not toml ["}, ()),
        ({"app.py": "print(1)\n"}, ()),
    ],
    ids=[
        "requirements",
        "uv-lock-first",
        "pyproject-deps",
        "pyproject-tools-only",
        "broken-pyproject",
        "nothing",
    ],
)
def test_what_a_python_environment_is_made_from(
    tmp_path: Path, files: dict[str, str], claimed: tuple[str, ...]
) -> None:
    choice = choose(project_with(tmp_path / "p", files), tmp_path)
    assert tuple(i for c in choice.create for i in c.inputs) == claimed
    if not claimed:
        assert choice.python == sys.executable and choice.base.origin == "lockgate's own Python"


def test_the_projects_own_venv_wins(tmp_path: Path) -> None:
    project = project_with(tmp_path / "p", {"requirements.txt": "x\n", ".venv/bin/python": ""})
    choice = choose(project, tmp_path)
    assert choice.create == () and choice.base.origin == "the project's .venv"


def test_a_configured_python_wins(tmp_path: Path) -> None:
    project = project_with(tmp_path / "p", {"requirements.txt": "x\n"})
    choice = choose(project, tmp_path, python=sys.executable)
    assert choice.create == () and choice.python == sys.executable


def test_create_env_off_uses_lockgates_python(tmp_path: Path) -> None:
    project = project_with(tmp_path / "p", {"requirements.txt": "x\n"})
    assert choose(project, tmp_path, create_env=False).create == ()


def test_the_cached_environment_follows_the_requirements(tmp_path: Path) -> None:
    project = project_with(tmp_path / "p", {"requirements.txt": "x==1\n"})
    first = choose(project, tmp_path).create[0].home
    assert choose(project, tmp_path).create[0].home == first
    (project / "requirements.txt").write_text("x==2\n")
    assert choose(project, tmp_path).create[0].home != first
    assert first.parent == project / ".lockgate" / "envs"


def test_a_missing_wheels_folder_makes_the_stage_unavailable(tmp_path: Path) -> None:
    project = project_with(tmp_path / "p", {"requirements.txt": "x\n"})
    ctx = make_context(TestStage, project, tmp_path / "art", wheels="wheels")
    why = TestStage().available(ctx)
    assert why is not None and "wheels" in why and "does not exist" in why


@needs_wheels
def test_created_offline_from_wheels_then_reused(tmp_path: Path) -> None:
    project = project_with(
        tmp_path / "p",
        {
            "requirements.txt": PYTEST_REQUIREMENTS,
            "test_uses_a_dependency.py": "import iniconfig\n\n\ndef test_x():\n    assert iniconfig\n",
        },
    )
    first = run_stage(TestStage, project, tmp_path / "1", wheels=str(WHEELS))
    assert first.status is Status.PASSED, first.summary
    assert "1 tests, 0 failing" in first.summary and "created with uv" in first.summary
    assert (tmp_path / "1" / "artifacts" / "test" / "environment.log").is_file()
    again = run_stage(TestStage, project, tmp_path / "2", wheels=str(WHEELS))
    assert again.status is Status.PASSED, again.summary
    assert not (tmp_path / "2" / "artifacts" / "test" / "environment.log").exists()


@needs_wheels
def test_a_package_missing_from_the_wheels_is_an_error_that_says_so(tmp_path: Path) -> None:
    files = {"requirements.txt": PYTEST_REQUIREMENTS + "lockgate-no-such-package==1.0\n"}
    project = project_with(tmp_path / "p", files)
    result = run_stage(TestStage, project, tmp_path, wheels=str(WHEELS))
    assert result.status is Status.ERROR
    assert "could not create the test environment" in result.summary
    assert "lockgate-no-such-package" in result.summary and "wheels folder" in result.summary
    assert not any((project / ".lockgate" / "envs").glob("uv-*"))  # no half-made environment


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_npm_ci_prepares_a_node_project_for_its_own_command(tmp_path: Path) -> None:
    package = {"name": "p", "version": "1.0.0", "private": True}
    lock = {
        "name": "p",
        "version": "1.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"name": "p", "version": "1.0.0"}},
    }
    project = project_with(
        tmp_path / "p",
        {"package.json": json.dumps(package), "package-lock.json": json.dumps(lock)},
    )
    write = (
        "const p = process.env.NODE_PATH || '';"
        "require('fs').writeFileSync(process.env.LOCKGATE_ARTIFACTS + '/junit.xml',"
        " '<testsuite><testcase classname=\"node\" name=\"' + (p.endsWith('node_modules') ? 'ok' : 'no') + '\"/></testsuite>')"
    )
    result = run_stage(TestStage, project, tmp_path, command=["node", "-e", write])
    assert result.status is Status.PASSED, result.summary
    assert [c.name for c in result.test_cases] == ["ok"]
    assert "npm ci" in result.summary
    assert not (project / "node_modules").exists()  # the project is read in place

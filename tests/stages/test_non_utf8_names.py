"""A file whose name is not UTF-8 (`app/caf\\xe9.py`, Latin-1) is scanned like any other by lint,
secrets and sast: each finds the fault planted in it, at the real file's path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lockgate.model import StageResult
from lockgate.stages.interface import Stage
from lockgate.stages.lint import LintStage
from lockgate.stages.sast import SastStage
from lockgate.stages.secrets import SecretsStage
from tests.testing.harness import init_git, run_stage

NAME = "app/caf\udce9.py"  # how Python spells the bytes b"app/caf\xe9.py"
KEY = "AKIA" + "Q3EGRZKXB7PLTM4N"  # an AWS access key id shape, split so no scanner flags this file
SOURCE = f'''import os
import subprocess

AWS_ACCESS_KEY_ID = "{KEY}"


def run(cmd):
    return subprocess.call(cmd, shell=True)
'''


@pytest.fixture(params=[True, False], ids=["committed", "untracked"])
def project(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    root = tmp_path / "p"
    (root / "app").mkdir(parents=True)
    (root / "app" / "ok.py").write_text("x = 1\n")

    def plant() -> None:
        with open(os.fsencode(root) + b"/app/caf\xe9.py", "wb") as handle:
            handle.write(SOURCE.encode())

    if request.param:
        plant()
        init_git(root)
    else:  # a new file in a git work tree, not yet added
        init_git(root)
        plant()
    return root


def rules_at(result: StageResult, path: str) -> set[str]:
    return {f.rule_id for f in result.findings if f.location and f.location.path == path}


def scan(stage: type[Stage], project: Path, tmp_path: Path) -> StageResult:
    result = run_stage(stage, project, tmp_path)
    assert KEY not in repr(result)  # a secret value never appears in any output
    return result


def test_lint_reaches_it(project: Path, tmp_path: Path) -> None:
    assert "F401" in rules_at(scan(LintStage, project, tmp_path), NAME)  # `import os` unused


def test_secrets_reach_it(project: Path, tmp_path: Path) -> None:
    found = rules_at(scan(SecretsStage, project, tmp_path), NAME)
    assert any("aws" in rule.lower() for rule in found), found


def test_sast_reaches_it_with_every_engine(project: Path, tmp_path: Path) -> None:
    result = scan(SastStage, project, tmp_path)
    tools = {f.tool for f in result.findings if f.location and f.location.path == NAME}
    assert {"semgrep", "bandit"} <= tools, result.summary
    lines = {f.location.start_line for f in result.findings if f.tool == "semgrep"}
    assert lines == {8}  # subprocess.call(cmd, shell=True), at its real line

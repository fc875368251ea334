"""One harness for every stage test: build a StageContext for a sample project and run a stage."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lockgate.model import Severity, StageResult
from lockgate.stages.interface import Gate, GitInfo, Stage, StageContext

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
FIXTURES = REPO / "tests" / "fixtures"
SHARED = Path(os.environ.get("LOCKGATE_SHARED_DIR") or REPO.parent / "shared")


def stage_options(stage: type[Stage], **overrides: Any) -> Mapping[str, Any]:
    values = {opt.name: opt.default for opt in stage.options}
    values.update(overrides)
    return MappingProxyType(values)


def make_context(
    stage: type[Stage],
    project: Path,
    artifacts: Path,
    *,
    gate: Gate | None = None,
    upstream: Mapping[str, StageResult] | None = None,
    config: Any = None,
    **options: Any,
) -> StageContext:
    artifacts.mkdir(parents=True, exist_ok=True)
    return StageContext(
        project=project,
        artifacts=artifacts,
        options=stage_options(stage, **options),
        gate=gate or Gate(fail_on=Severity.LOW),
        run_id="test-run",
        git=GitInfo(is_repo=(project / ".git").exists()),
        service=project.name,
        upstream=upstream or {},
        config=config,
    )


def run_stage(stage: type[Stage], project: Path, tmp_path: Path, **options: Any) -> StageResult:
    """Run `stage` on `project` with defaults plus `options`; fails the test if it is unavailable."""
    ctx = make_context(stage, project, tmp_path / "artifacts" / stage.name, **options)
    instance = stage()
    why_not = instance.available(ctx)
    assert why_not is None, f"{stage.name} unavailable here: {why_not}"
    return instance.run(ctx)


def copy_project(src: Path, dest: Path, *, git: bool = False) -> Path:
    """Copy a sample project (without caches) to `dest`; optionally make it a git repo with one commit."""
    shutil.copytree(
        src,
        dest,
        ignore=shutil.ignore_patterns(".lockgate", "__pycache__", ".pytest_cache", ".venv"),
    )
    if git:
        init_git(dest)
    return dest


def init_git(path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=path, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "test@lockgate.invalid")
    git("config", "user.name", "lockgate tests")
    git("add", "-A")
    git("commit", "-q", "-m", "initial", "--allow-empty")

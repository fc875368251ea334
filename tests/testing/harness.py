"""One harness for every stage test: build a StageContext for a sample project and run a stage."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lockgate.config.loader import config_from_data
from lockgate.engine.context import stage_context
from lockgate.model import StageResult
from lockgate.stages.interface import Gate, GitInfo, Stage, StageContext

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
FIXTURES = REPO / "tests" / "fixtures"
SHARED = Path(os.environ.get("LOCKGATE_SHARED_DIR") or REPO.parent / "shared")


def make_context(
    stage: type[Stage],
    project: Path,
    artifacts: Path,
    *,
    gate: Gate | None = None,
    upstream: Mapping[str, StageResult] | None = None,
    config: Mapping[str, Any] | None = None,
    git: GitInfo | None = None,
    **options: Any,
) -> StageContext:
    """The context `lockgate run` would give `stage`, built by the same function.

    `config` is lockgate.toml as data (default: none, the built-in defaults; the project's own
    lockgate.toml is not read), `options` override keys of the stage's section, `gate` its gate keys.
    """
    artifacts.mkdir(parents=True, exist_ok=True)
    data = dict(config or {})
    if gate is not None:
        stages = dict(data.get("stages", {}))
        gate_keys = {
            "fail_on": gate.fail_on.value,
            "new_only": gate.new_only,
            "timeout": gate.timeout,
        }
        stages[stage.name] = {**stages.get(stage.name, {}), **gate_keys}
        data["stages"] = stages
    from lockgate.stages.registry import builtin_stages

    # the stage and the built-in stages it needs (their sections reach it as needed_options)
    builtin = builtin_stages()
    known = {n: builtin[n] for n in stage.needs if n in builtin}
    loaded = config_from_data(project, data, {**known, stage.name: stage}, label="test config")
    return stage_context(
        loaded,
        stage,
        artifacts=artifacts,
        run_id="test-run",
        git=git or GitInfo(is_repo=(project / ".git").exists()),
        overrides=options,
        upstream=upstream,
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

"""A secret found by a scan never appears in any output: terminal, reports, artifacts, cache, store."""

from __future__ import annotations

import json
from pathlib import Path

from tests.commands.test_run import lockgate
from tests.testing.canaries import assert_no_canaries, plant_canaries
from tests.testing.harness import init_git


def test_canary_secrets_never_leave_the_scan(tmp_path: Path) -> None:
    project = tmp_path / "leaky"
    project.mkdir()
    (project / "lockgate.toml").write_text('[project]\nname = "leaky"\n')
    canaries = plant_canaries(project, seed=7)
    init_git(project)

    done = lockgate("run", str(project), "--only", "secrets,lint", "--history", "--json")
    assert done.returncode == 1, done.stderr  # the secrets gate fails
    data = json.loads(done.stdout)
    secrets = next(s for s in data["stages"] if s["stage"] == "secrets")
    assert len(secrets["findings"]) >= len(canaries) // 2  # it really found them

    outputs: list[str | Path] = [done.stdout, done.stderr]
    run_id = data["run_id"]
    for fmt in ("md", "json", "sarif", "junit", "html"):
        outputs.append(lockgate("report", run_id, "--format", fmt, "--path", str(project)).stdout)
    outputs.append(lockgate("history", str(project)).stdout)
    outputs += [
        p for p in (project / ".lockgate").rglob("*") if p.is_file()
    ]  # reports, cache, store
    assert_no_canaries(outputs, canaries)

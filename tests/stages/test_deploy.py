"""deploy stage: a failed deployment is a finding whose fingerprint names the version."""

from __future__ import annotations

from pathlib import Path

from lockgate.model import Status
from lockgate.stages.deploy import DeployStage
from tests.testing.harness import make_context


def _config(project: Path) -> dict[str, object]:
    return {
        "project": {"name": "svc"},
        "deploy": {"target": "command", "command": ["false"], "health_timeout": 1.0},
        "environments": {"staging": {"url": "http://127.0.0.1:9/"}},
    }


def _failed_fingerprint(project: Path, tmp_path: Path) -> str:
    ctx = make_context(
        DeployStage, project, tmp_path / "artifacts", config=_config(project), environment="staging"
    )
    result = DeployStage().run(ctx)
    assert result.status is Status.PASSED  # the gate turns the finding into "failed"
    (finding,) = result.findings
    assert finding.rule_id == "deploy-failed"
    return finding.fingerprint


def test_failed_deploys_of_different_versions_are_different_findings(tmp_path: Path) -> None:
    project = tmp_path / "svc"
    project.mkdir()
    (project / "app.py").write_text("v = 1\n")
    first = _failed_fingerprint(project, tmp_path)
    assert _failed_fingerprint(project, tmp_path) == first  # the same version: the same finding
    (project / "app.py").write_text("v = 2\n")
    assert _failed_fingerprint(project, tmp_path) != first

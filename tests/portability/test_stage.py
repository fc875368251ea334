"""The portability stage: warn-only findings with the portable alternative and the score."""

from __future__ import annotations

import datetime
from pathlib import Path

from lockgate.engine.gate import apply_gate
from lockgate.model import FindingState, Severity, Status
from lockgate.stages.portability import PortabilityStage, check
from lockgate.stages.registry import all_stages
from tests.testing.harness import make_context, run_stage

TODAY = datetime.date(2026, 6, 1)


def project(root: Path, **files: str) -> Path:
    for name, text in files.items():
        path = root / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_portable_service_passes_with_a_score_of_100(tmp_path: Path) -> None:
    root = project(
        tmp_path / "p", Containerfile="FROM scratch\n", **{"app.py": "import os\nos.environ\n"}
    )
    result = run_stage(PortabilityStage, root, tmp_path)
    assert result.status is Status.PASSED and result.findings == ()
    assert [(m.name, m.value) for m in result.metrics] == [("portability_score", 100.0)]


def test_findings_warn_and_never_fail_the_default_gate(tmp_path: Path) -> None:
    root = project(
        tmp_path / "p",
        **{"app.py": "import boto3\n", "infra__main.tf": 'resource "aws_sqs_queue" "q" {}\n'},
    )
    ctx = make_context(PortabilityStage, root, tmp_path / "a")
    result = check(ctx, TODAY)
    rules = sorted(f.rule_id for f in result.findings)
    assert rules == [
        "cloud-resource",
        "cloud-sdk",
        "configuration-not-read-from-the-environment",
        "not-containerised",
    ]
    sqs = next(f for f in result.findings if f.rule_id == "cloud-resource")
    assert "RabbitMQ" in sqs.message and sqs.location is not None and sqs.location.start_line == 1
    gated = apply_gate(result, ctx.gate, today=TODAY)
    assert gated.status is Status.WARNED
    assert {f.state for f in gated.findings} == {FindingState.BELOW_THRESHOLD}


def test_an_accepted_item_is_not_a_finding_and_an_overdue_exception_is(tmp_path: Path) -> None:
    register = (
        '[[portability.exception]]\nmatch = "boto3"\nreason = "r"\nowner = "o"\nreview = {}\n'
    )
    root = project(
        tmp_path / "p",
        **{"app.py": "import boto3\n", "lockgate.toml": register.format("2026-12-31")},
    )
    ctx = make_context(PortabilityStage, root, tmp_path / "a")
    assert "cloud-sdk" not in {f.rule_id for f in check(ctx, TODAY).findings}
    (root / "lockgate.toml").write_text(register.format("2026-01-31"), encoding="utf-8")
    overdue = [f for f in check(ctx, TODAY).findings if f.rule_id == "exception-overdue"]
    assert len(overdue) == 1 and overdue[0].severity is Severity.MEDIUM
    assert overdue[0].location is not None and overdue[0].location.start_line == 1


def test_the_stage_is_registered() -> None:
    assert all_stages()["portability"] is PortabilityStage

"""GitLab's report files, written from a run's results.json for the GitLab export's jobs: Code
Quality always, each security report when the run has its stage."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lockgate.ci import gitlab_reports
from lockgate.errors import LockgateError
from lockgate.model import (
    Finding,
    FindingState,
    Location,
    Run,
    RunStatus,
    Severity,
    StageResult,
    Status,
)
from lockgate.reports.jsonreport import JsonReport


def finding(stage: str, rule: str, severity: Severity, **kw: object) -> Finding:
    return Finding(
        stage=stage,
        tool="tool",
        rule_id=rule,
        message=f"{rule} found",
        severity=severity,
        fingerprint=f"fp-{stage}-{rule}",
        **kw,  # type: ignore[arg-type]
    )


def results(tmp_path: Path, *findings: Finding) -> Path:
    stages = sorted({f.stage for f in findings})
    run = Run(
        id="r1",
        project="shop",
        started=datetime(2026, 1, 1, tzinfo=UTC),
        status=RunStatus.FAILED,
        results=tuple(
            StageResult(
                stage=s, status=Status.FAILED, findings=tuple(f for f in findings if f.stage == s)
            )
            for s in stages
        ),
    )
    (tmp_path / "results.json").write_text(JsonReport().render(run), encoding="utf-8")
    return tmp_path


def test_code_quality_has_the_non_security_findings_with_gitlab_severities(tmp_path: Path) -> None:
    folder = results(
        tmp_path,
        finding("lint", "E501", Severity.LOW, location=Location("app/x.py", 12)),
        finding("test", "coverage", Severity.HIGH, location=Location("app/y.py")),
        finding(
            "lint",
            "F401",
            Severity.MEDIUM,
            location=Location("app/z.py", 3),
            state=FindingState.SUPPRESSED,
        ),
        finding(
            "sast", "B602", Severity.HIGH, location=Location("app/x.py", 4)
        ),  # a security report's
        finding(
            "accessibility", "image-alt", Severity.MEDIUM, url="http://127.0.0.1:8000/"
        ),  # no file
    )
    written, sast = gitlab_reports.write(folder)
    assert sast.name == "gl-sast-report.json"
    issues = json.loads(written.read_text("utf-8"))
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("lint/tool/E501", "minor", {"path": "app/x.py", "lines": {"begin": 12}}),
        ("test/tool/coverage", "critical", {"path": "app/y.py", "lines": {"begin": 1}}),
    ]
    assert all(i["type"] == "issue" and i["fingerprint"] and i["description"] for i in issues)
    assert written.name == "gl-code-quality-report.json"


def test_a_clean_run_gives_an_empty_array(tmp_path: Path) -> None:
    (written,) = gitlab_reports.write(results(tmp_path))
    assert json.loads(written.read_text("utf-8")) == []


@pytest.mark.parametrize("content", [None, "{not json", '{"schema_version": 99}'])
def test_missing_or_broken_results_are_a_clear_error(tmp_path: Path, content: str | None) -> None:
    if content is not None:
        (tmp_path / "results.json").write_text(content, encoding="utf-8")
    with pytest.raises(LockgateError) as info:
        gitlab_reports.write(tmp_path)
    assert "results.json" in (info.value.where or "")
    assert gitlab_reports.main([str(tmp_path)]) == 2


def test_each_security_stage_gets_its_gitlab_security_report(tmp_path: Path) -> None:
    folder = results(
        tmp_path,
        finding("secrets", "aws-access-key-id", Severity.CRITICAL, location=Location("a.env", 1)),
        finding("deps", "GHSA-9wx4-h78v-vm56", Severity.MEDIUM, location=Location("req.txt", 2)),
    )
    names = [p.name for p in gitlab_reports.write(folder)]
    assert names == [
        "gl-code-quality-report.json",
        "gl-secret-detection-report.json",
        "gl-dependency-scanning-report.json",
    ]
    secret = json.loads((folder / "gl-secret-detection-report.json").read_text("utf-8"))
    assert secret["scan"]["type"] == "secret_detection"
    assert [v["name"] for v in secret["vulnerabilities"]] == ["aws-access-key-id"]
    assert not (folder / "gl-sast-report.json").exists()  # the run had no sast stage

"""GitLab's security reports: valid against GitLab's published 15.0.7 schemas, mapped faithfully,
and never carrying a secret value."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from lockgate.deps.findings import build as deps_findings
from lockgate.deps.model import Advisory, Dependency, Ecosystem, Match
from lockgate.model import (
    Finding,
    FindingState,
    Location,
    Run,
    RunStatus,
    Severity,
    StageResult,
    Status,
    Unchecked,
)
from lockgate.reports.gitlab_security import REPORTS, SCHEMA_VERSION, GitlabSecurityReport, Kind
from lockgate.stages.secrets import SecretsStage
from tests.reports.sample_runs import HOSTILE, build_hostile_run
from tests.testing.canaries import assert_no_canaries, plant_canaries
from tests.testing.harness import run_stage

SCHEMAS = Path(__file__).parent / "gitlab_schemas"
BY_KIND = {r.kind: r for r in REPORTS}
STARTED = datetime(2026, 3, 14, 9, 26, 53, 123456, tzinfo=UTC)
FINISHED = datetime(2026, 3, 14, 9, 28, 4, tzinfo=UTC)
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def schema(kind: Kind) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (SCHEMAS / f"{kind.schema_name}-report-format.json").read_text("utf-8")
    )
    return loaded


def errors(kind: Kind, doc: Any) -> list[str]:
    validator = jsonschema.Draft7Validator(schema(kind))
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)
    ]


def render(kind: Kind, run: Run) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(BY_KIND[kind].render(run))
    assert errors(kind, doc) == []
    return doc


def deps_finding() -> Finding:
    """A real deps finding, built by the deps stage's own code (its message is what we parse)."""
    advisory = Advisory(
        id="GHSA-9wx4-h78v-vm56",
        aliases=("CVE-2024-35195", "PYSEC-2024-40"),
        summary="Requests session verify=False persists",
        severity=Severity.MEDIUM,
        severity_source="CVSS_V3 5.6",
        modified="2024-05-20T00:00:00Z",
        affected=(),
        url="https://github.com/advisories/GHSA-9wx4-h78v-vm56",
        cwes=("CWE-670",),
    )
    dep = Dependency(Ecosystem.PYPI, "requests", "2.31.0", "requirements.txt", 3, direct=True)
    (found,) = deps_findings([Match(dep, advisory, "2.32.0")])
    return found


def sast_finding(**kw: Any) -> Finding:
    values: dict[str, Any] = {
        "stage": "sast",
        "tool": "bandit",
        "rule_id": "B602",
        "message": "subprocess call with shell=True identified, security issue.",
        "severity": Severity.HIGH,
        "fingerprint": "fp-b602",
        "location": Location("app/run.py", 14, 5, 16),
        "help_uri": "https://bandit.readthedocs.io/en/latest/plugins/b602.html",
        "help_text": "Pass a list of arguments and shell=False.",
        "tags": ("CWE-78", "security", "confidence:high"),
    }
    return Finding(**(values | kw))


def secret_finding(**kw: Any) -> Finding:
    values: dict[str, Any] = {
        "stage": "secrets",
        "tool": "lockgate",
        "rule_id": "aws-access-key-id",
        "message": "AWS access key id at config/aws.env:1 (value redacted, hmac:0a1b2c3d4e5f).",
        "severity": Severity.CRITICAL,
        "fingerprint": "fp-aws",
        "location": Location("config/aws.env", 1, 19, 1),
        "tags": ("CWE-798", "security", "secret"),
    }
    return Finding(**(values | kw))


def run_of(*results: StageResult, commit: str | None = COMMIT) -> Run:
    return Run(
        id="20260314T092653Z-abc123",
        project="shop",
        started=STARTED,
        finished=FINISHED,
        status=RunStatus.FAILED,
        branch="main",
        commit=commit,
        results=results,
    )


def stage(name: str, *findings: Finding, **kw: Any) -> StageResult:
    return StageResult(stage=name, status=kw.pop("status", Status.FAILED), findings=findings, **kw)


def test_the_vendored_schemas_are_the_version_the_reports_declare() -> None:
    for kind in Kind:
        assert schema(kind)["self"]["version"] == SCHEMA_VERSION
        assert schema(kind)["properties"]["scan"]["properties"]["type"]["enum"] == [kind.value]


def test_sast_report_maps_the_finding() -> None:
    suppressed = sast_finding(rule_id="B101", fingerprint="fp-b101", state=FindingState.SUPPRESSED)
    known = sast_finding(rule_id="B105", fingerprint="fp-b105", state=FindingState.KNOWN)
    result = stage(
        "sast",
        sast_finding(),
        suppressed,
        known,
        tool_versions=(("bandit", "1.9.4"), ("semgrep", "1.185.0")),
    )
    doc = render(Kind.SAST, run_of(result))
    assert doc["version"] == "15.0.7" and doc["schema"].endswith(
        "/v15.0.7/dist/sast-report-format.json"
    )
    scan = doc["scan"]
    assert scan["type"] == "sast" and scan["status"] == "success"
    assert (scan["start_time"], scan["end_time"]) == ("2026-03-14T09:26:53", "2026-03-14T09:28:04")
    assert scan["analyzer"]["id"] == "lockgate" and scan["scanner"]["id"] == "lockgate-sast"
    assert scan["scanner"]["name"] == "lockgate sast (bandit, semgrep)"
    assert {"level": "info", "value": "semgrep 1.185.0"} in scan["messages"]
    names = [v["name"] for v in doc["vulnerabilities"]]
    assert names == ["B602", "B105"]  # the suppressed one is left out, the known one stays
    vuln = doc["vulnerabilities"][0]
    assert vuln["severity"] == "High" and vuln["solution"].startswith("Pass a list")
    assert vuln["location"] == {"file": "app/run.py", "start_line": 14, "end_line": 16}
    assert vuln["identifiers"] == [
        {
            "type": "bandit_rule_id",
            "name": "B602",
            "value": "B602",
            "url": "https://bandit.readthedocs.io/en/latest/plugins/b602.html",
        },
        {
            "type": "cwe",
            "name": "CWE-78",
            "value": "78",
            "url": "https://cwe.mitre.org/data/definitions/78.html",
        },
    ]
    assert vuln["links"] == [{"url": "https://bandit.readthedocs.io/en/latest/plugins/b602.html"}]
    again = render(Kind.SAST, run_of(result))
    assert again["vulnerabilities"][0]["id"] == vuln["id"]  # stable across renders: a UUID


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        (Severity.CRITICAL, "Critical"),
        (Severity.HIGH, "High"),
        (Severity.MEDIUM, "Medium"),
        (Severity.LOW, "Low"),
        (Severity.INFO, "Info"),
    ],
)
def test_every_severity_has_its_gitlab_name(severity: Severity, expected: str) -> None:
    doc = render(Kind.SAST, run_of(stage("sast", sast_finding(severity=severity))))
    assert doc["vulnerabilities"][0]["severity"] == expected


def test_secret_detection_names_the_commit_and_never_the_value() -> None:
    history = secret_finding(
        fingerprint="fp-old",
        message="AWS access key id at old.env:2 in commit abcdef012345 (value redacted, "
        "hmac:99aa88bb77cc). Remove it from the code and rotate it.",
        tags=("CWE-798", "security", "secret", "git-history"),
    )
    doc = render(Kind.SECRET_DETECTION, run_of(stage("secrets", secret_finding(), history)))
    assert doc["scan"]["type"] == "secret_detection"
    tree, old = doc["vulnerabilities"]
    assert tree["location"] == {
        "file": "config/aws.env",
        "start_line": 1,
        "end_line": 1,
        "commit": {"sha": COMMIT},
    }
    assert old["location"]["commit"] == {"sha": "abcdef012345"}
    assert tree["identifiers"][0] == {
        "type": "lockgate_rule_id",
        "name": "aws-access-key-id",
        "value": "aws-access-key-id",
    }
    assert "raw_source_code_extract" not in tree
    outside_git = render(
        Kind.SECRET_DETECTION, run_of(stage("secrets", secret_finding()), commit=None)
    )
    assert outside_git["vulnerabilities"][0]["location"]["commit"] == {"sha": "0000000"}


def test_a_secret_in_a_message_is_scrubbed_once_more() -> None:
    leaked = "AKIA" + "QW3RTY2UI4OP5LKJ"
    doc = render(
        Kind.SECRET_DETECTION,
        run_of(stage("secrets", secret_finding(message=f"key {leaked} found"))),
    )
    assert leaked not in json.dumps(doc)


def test_the_secrets_stage_output_never_carries_a_value(tmp_path: Path) -> None:
    project = tmp_path / "project"
    canaries = plant_canaries(project)
    result = run_stage(SecretsStage, project, tmp_path)
    assert result.findings, "the canaries must be found"
    text = BY_KIND[Kind.SECRET_DETECTION].render(run_of(result))
    assert errors(Kind.SECRET_DETECTION, json.loads(text)) == []
    assert len(json.loads(text)["vulnerabilities"]) == len(
        [f for f in result.findings if f.state is not FindingState.SUPPRESSED]
    )
    assert_no_canaries([text], canaries)


def test_dependency_scanning_has_the_package_version_and_dependency_files() -> None:
    found = deps_finding()
    doc = render(Kind.DEPENDENCY_SCANNING, run_of(stage("deps", found)))
    (vuln,) = doc["vulnerabilities"]
    assert vuln["location"] == {
        "file": "requirements.txt",
        "dependency": {"package": {"name": "requests"}, "version": "2.31.0", "direct": True},
    }
    assert vuln["severity"] == "Medium" and vuln["name"] == "GHSA-9wx4-h78v-vm56"
    types = [(i["type"], i["value"]) for i in vuln["identifiers"]]
    assert types == [
        ("ghsa", "GHSA-9wx4-h78v-vm56"),
        ("cve", "CVE-2024-35195"),
        ("pysec", "PYSEC-2024-40"),
        ("cwe", "670"),
    ]
    assert doc["dependency_files"] == [
        {
            "path": "requirements.txt",
            "package_manager": "pip",
            "dependencies": [{"package": {"name": "requests"}, "version": "2.31.0"}],
        }
    ]


def test_an_empty_or_broken_scan_is_valid_and_says_what_happened() -> None:
    clean = render(Kind.DEPENDENCY_SCANNING, run_of(stage("deps", status=Status.PASSED)))
    assert clean["vulnerabilities"] == [] and clean["dependency_files"] == []
    assert clean["scan"]["status"] == "success"
    unchecked = Unchecked("package-lock.json", "no advisory data for npm", 31, "set advisory_db")
    partial = render(
        Kind.DEPENDENCY_SCANNING,
        run_of(stage("deps", status=Status.PASSED, unchecked=(unchecked,))),
    )
    assert {
        "level": "warn",
        "value": "package-lock.json: 31 not checked (no advisory data for npm); "
        "fix: set advisory_db",
    } in partial["scan"]["messages"]
    broken = render(Kind.SAST, run_of(stage("sast", status=Status.ERROR, summary="bandit crashed")))
    assert broken["scan"]["status"] == "failure"
    assert {"level": "fatal", "value": "bandit crashed"} in broken["scan"]["messages"]
    missing = render(Kind.SAST, run_of(stage("lint")))
    assert missing["scan"]["status"] == "failure" and not BY_KIND[Kind.SAST].applies(
        run_of(stage("lint"))
    )


@pytest.mark.parametrize("kind", list(Kind))
def test_hostile_strings_stay_valid_json_and_valid_reports(kind: Kind) -> None:
    hostile = build_hostile_run()
    name = next(r.stage for r in REPORTS if r.kind is kind)
    run = replace(hostile, results=tuple(r.with_(stage=name) for r in hostile.results[:1]))
    doc = render(kind, run)
    assert len(doc["vulnerabilities"]) == 3  # the suppressed one left out
    # kept as text (JSON readers escape it), the lone surrogate replaced
    assert doc["vulnerabilities"][0]["description"] == HOSTILE.replace("\ud800", "\ufffd")


@pytest.mark.parametrize(
    ("kind", "breaks"),
    [
        (Kind.SAST, lambda d: d["scan"].pop("analyzer")),
        (Kind.SECRET_DETECTION, lambda d: d["vulnerabilities"][0]["location"].pop("commit")),
        (Kind.DEPENDENCY_SCANNING, lambda d: d.pop("dependency_files")),
        (Kind.SAST, lambda d: d["vulnerabilities"][0].update(severity="Severe")),
        (Kind.SAST, lambda d: d["scan"].update(start_time="2026-03-14T09:26:53.123Z")),
    ],
)
def test_the_schema_check_can_fail(kind: Kind, breaks: Any) -> None:
    findings = {
        Kind.SAST: sast_finding(),
        Kind.SECRET_DETECTION: secret_finding(),
        Kind.DEPENDENCY_SCANNING: deps_finding(),
    }
    report: GitlabSecurityReport = BY_KIND[kind]
    doc = json.loads(report.render(run_of(stage(report.stage, findings[kind]))))
    breaks(doc)
    assert errors(kind, doc)

"""SARIF: valid against the OASIS 2.1.0 schema, one run per tool, GitHub's fields and limits."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from lockgate.model import Finding, Location, Run, RunStatus, Severity, StageResult, Status
from lockgate.reports import render
from lockgate.reports.sarif import FINGERPRINT_KEY, Limits, SarifReport, build

from .sample_runs import STARTED, finding

SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "schemas" / "sarif-schema-2.1.0.json"


@cache
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)  # follows the schema's own $schema
    cls.check_schema(schema)
    # formats (uri, date-time) are checked too where jsonschema's optional checkers are installed
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def errors(log: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(log)]


def sarif(run: Run, limits: Limits | None = None) -> dict[str, Any]:
    text = SarifReport(limits).render(run) if limits else render(run, "sarif")
    log: dict[str, Any] = json.loads(text)
    return log


def by_tool(log: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["tool"]["driver"]["name"]: r for r in log["runs"]}


def result(log: dict[str, Any], rule_id: str) -> dict[str, Any]:
    found = [res for run in log["runs"] for res in run["results"] if res["ruleId"] == rule_id]
    assert len(found) == 1, rule_id
    return found[0]


def rule(log: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(
        r for run in log["runs"] for r in run["tool"]["driver"]["rules"] if r["id"] == rule_id
    )


def test_schema_is_draft4_as_it_declares() -> None:
    assert isinstance(validator(), jsonschema.Draft4Validator)


def test_sample_and_hostile_logs_are_valid(sample_run: Run, hostile_run: Run) -> None:
    assert errors(sarif(sample_run)) == []
    assert errors(sarif(hostile_run)) == []


def _drop_version(log: dict[str, Any]) -> None:
    del log["version"]


def _bad_level(log: dict[str, Any]) -> None:
    log["runs"][0]["results"][0]["level"] = "fatal"


def _zero_line(log: dict[str, Any]) -> None:
    res = next(r for run in log["runs"] for r in run["results"] if "region" in str(r))
    res["locations"][0]["physicalLocation"]["region"]["startLine"] = 0


def _bad_suppression(log: dict[str, Any]) -> None:
    res = next(r for run in log["runs"] for r in run["results"] if "suppressions" in r)
    res["suppressions"][0]["kind"] = "maybe"


def _no_driver_name(log: dict[str, Any]) -> None:
    del log["runs"][0]["tool"]["driver"]["name"]


@pytest.mark.parametrize(
    "corrupt", [_drop_version, _bad_level, _zero_line, _bad_suppression, _no_driver_name]
)
def test_validator_rejects_invalid_documents(
    sample_run: Run, corrupt: Callable[[dict[str, Any]], None]
) -> None:
    log = copy.deepcopy(sarif(sample_run))
    corrupt(log)
    assert errors(log), f"{corrupt.__name__} should make the log invalid"


def test_one_run_per_tool_with_versions_and_invocations(sample_run: Run) -> None:
    runs = by_tool(sarif(sample_run))
    assert list(runs) == sorted(runs)
    assert set(runs) == {
        "axe-core",
        "bandit",
        "detect-secrets",
        "lockgate",
        "lockgate-deps",
        "podman",
        "pytest",
        "ruff",
    }
    assert runs["ruff"]["tool"]["driver"]["version"] == "0.17.6"
    assert len(runs["ruff"]["results"]) == 3
    assert runs["podman"]["results"] == []  # it ran (and broke): an empty run says so
    podman = runs["podman"]["invocations"][0]
    assert podman["executionSuccessful"] is False
    assert "health check timed out" in podman["toolExecutionNotifications"][0]["message"]["text"]
    assert runs["ruff"]["invocations"][0] == {
        "executionSuccessful": True,
        "startTimeUtc": "2026-03-14T09:26:53Z",
        "endTimeUtc": "2026-03-14T09:28:04Z",
    }
    ids = [r["automationDetails"]["id"] for r in runs.values()]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("rule_id", "level"),
    [("B602", "error"), ("coverage-floor", "warning"), ("F401", "note"), ("E741", "note")],
)
def test_level_follows_severity(sample_run: Run, rule_id: str, level: str) -> None:
    assert result(sarif(sample_run), rule_id)["level"] == level


def test_rule_metadata_for_security_and_accessibility(sample_run: Run) -> None:
    log = sarif(sample_run)
    b602 = rule(log, "B602")
    assert b602["helpUri"] == "https://bandit.readthedocs.io/en/1.9.4/plugins/b602.html"
    assert b602["shortDescription"]["text"].startswith("subprocess call with shell=True")
    assert b602["defaultConfiguration"]["level"] == "error"
    assert b602["properties"]["tags"] == ["security", "CWE-78", "external/cwe/cwe-078"]
    assert b602["properties"]["security-severity"] == "8.0"
    secret = rule(log, "KeywordDetector")
    assert "security" in secret["properties"]["tags"]
    alt = rule(log, "image-alt")
    assert alt["properties"]["tags"] == ["wcag111", "wcag2a"]
    assert "security-severity" not in alt["properties"]
    f401 = rule(log, "F401")
    assert f401["help"]["text"].startswith("Remove unused imports.")
    assert f401["helpUri"] in f401["help"]["text"]
    run = by_tool(log)["ruff"]
    for res in run["results"]:
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]


def test_locations_regions_urls_and_whole_project(sample_run: Run) -> None:
    log = sarif(sample_run)
    f401 = result(log, "F401")["locations"][0]["physicalLocation"]
    assert f401["artifactLocation"] == {"uri": "src/app/main.py", "uriBaseId": "%SRCROOT%"}
    assert f401["region"] == {"startLine": 3, "startColumn": 8, "endLine": 3, "endColumn": 10}
    e741 = result(log, "E741")["locations"][0]["physicalLocation"]
    assert e741["region"] == {"startLine": 17}
    web = result(log, "image-alt")["locations"][0]
    assert web["physicalLocation"] == {
        "artifactLocation": {"uri": "http://127.0.0.1:8080/"},
        "region": {"startLine": 1},
    }
    assert web["logicalLocations"] == [{"fullyQualifiedName": "img.logo", "kind": "element"}]
    floor = result(log, "coverage-floor")["locations"][0]["physicalLocation"]
    assert floor == {
        "artifactLocation": {"uri": "lockgate.toml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1},
    }


def test_every_result_has_a_start_line(sample_run: Run, hostile_run: Run) -> None:
    """GitHub rejects an upload with a result lacking region.startLine (file-level: line 1)."""
    for run in (sample_run, hostile_run):
        for sarif_run in sarif(run)["runs"]:
            for res in sarif_run["results"]:
                for location in res["locations"]:
                    assert location["physicalLocation"]["region"]["startLine"] >= 1, res


@pytest.mark.parametrize(
    ("location", "region"),
    [
        (Location("a.py"), {"startLine": 1}),  # a finding about the whole file
        (Location("a.py", 0, 0, 0, 0), {"startLine": 1}),
        (Location("a.py", -3, 4), {"startLine": 1}),
        (Location("a.py", 5, 0, 4, 2), {"startLine": 5, "endColumn": 2}),
        (Location("a.py", 5, 9, 5, 2), {"startLine": 5, "startColumn": 9, "endLine": 5}),
        (Location("a.py", 5, None, 7, 1), {"startLine": 5, "endLine": 7, "endColumn": 1}),
    ],
)
def test_region_has_the_known_valid_parts_else_line_1(
    location: Location, region: dict[str, int] | None
) -> None:
    log = sarif(_one(finding("lint", "ruff", "X1", "m", Severity.LOW, location=location)))
    physical = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert physical["region"] == region
    assert errors(log) == []


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("./src/my file.py", "src/my%20file.py"),
        ("src/100%#?.py", "src/100%25%23%3F.py"),
        ("a:b.py", "a%3Ab.py"),  # not read as a URI scheme
        # every byte of a name is kept, percent-encoded, never altered or dropped
        ("src\\win\\app.py", "src%5Cwin%5Capp.py"),
        ("bell\x07esc\x1b.py", "bell%07esc%1B.py"),
        ("app/caf\udce9.py", "app/caf%E9.py"),  # Latin-1 name (not UTF-8), via surrogateescape
        ("app/café.py", "app/caf%C3%A9.py"),
        ("src/./sub/../x.py", "src/x.py"),
    ],
)
def test_paths_become_valid_uris_keeping_every_byte(path: str, uri: str) -> None:
    log = sarif(_one(finding("lint", "ruff", "X1", "m", Severity.LOW, path=path, line=1)))
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": uri, "uriBaseId": "%SRCROOT%"}
    assert errors(log) == []


@pytest.mark.parametrize(
    "path", ["/opt/app/x.py", "../other/x.py", "src/../../x.py", "C:\\app\\x.py", "C:/app/x.py"]
)
def test_a_result_never_points_outside_the_repository(path: str) -> None:
    log = sarif(_one(finding("lint", "ruff", "X1", "m", Severity.LOW, path=path, line=4)))
    location = log["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"] == {
        "uri": "lockgate.toml",
        "uriBaseId": "%SRCROOT%",
    }
    assert "outside the project" in location["message"]["text"]
    assert errors(log) == []


def test_fingerprints_baseline_state_and_suppressions(sample_run: Run) -> None:
    log = sarif(sample_run)
    b602 = result(log, "B602")
    expected = next(f for r in sample_run.results for f in r.findings if f.rule_id == "B602")
    assert b602["partialFingerprints"] == {FINGERPRINT_KEY: expected.fingerprint}
    assert b602["baselineState"] == "new"
    assert "suppressions" not in b602
    known = result(log, "KeywordDetector")
    assert known["baselineState"] == "unchanged"
    assert known["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "in the baseline .lockgate/baseline.json",
        }
    ]
    suppressed = result(log, "S101")
    assert suppressed["suppressions"][0]["justification"] == "test helper; expires 2026-06-30"
    assert suppressed["properties"]["lockgate/state"] == "suppressed"
    assert "suppressions" not in result(log, "E741")  # below threshold: shown, not suppressed


def _one(*findings: Finding, tools: int = 0) -> Run:
    result = StageResult(
        stage="lint",
        status=Status.FAILED,
        findings=findings,
        tool_versions=tuple((f"tool{i:02d}", "1.0") for i in range(tools)),
    )
    return Run("r1", "p", STARTED, RunStatus.FAILED, results=(result,))


def test_more_than_twenty_tools_merge_the_smallest_into_lockgate() -> None:
    findings = [
        finding("lint", f"tool{i:02d}", "R1", f"m{j}", Severity.LOW, path=f"f{i}.py", line=j + 1)
        for i in range(25)
        for j in range(i % 4)
    ]
    log = sarif(_one(*findings, tools=25))
    assert errors(log) == []
    runs = by_tool(log)
    assert len(runs) == 20
    merged = runs["lockgate"]
    folded = merged["properties"]["lockgate/mergedTools"]
    assert len(folded) == 6
    assert sum(len(r["results"]) for r in runs.values()) == len(findings)
    kept_sizes = [len(r["results"]) for name, r in runs.items() if name != "lockgate"]
    folded_sizes = [sum(1 for f in findings if f.tool == t) for t in folded]
    assert min(kept_sizes) >= max(folded_sizes)
    for res in merged["results"]:
        assert res["ruleId"] == f"{res['properties']['lockgate/tool']}/R1"


def test_results_per_run_are_capped_worst_first_with_a_note() -> None:
    findings = [
        finding("lint", "ruff", f"R{i}", f"m{i}", Severity.LOW, path="a.py", line=i + 1)
        for i in range(30)
    ] + [finding("lint", "ruff", "BAD", "worst", Severity.CRITICAL, path="z.py", line=1)]
    log = sarif(_one(*findings), Limits(results=10))
    run = log["runs"][0]
    assert len(run["results"]) == 10
    assert run["results"][0]["ruleId"] == "BAD"
    assert run["properties"]["lockgate/truncated"]["omittedResults"] == 21
    assert len(run["tool"]["driver"]["rules"]) == 10  # rules follow the kept results
    assert errors(log) == []


def test_file_size_limit_truncates_instead_of_exceeding() -> None:
    findings = [
        finding(
            "lint", "ruff", f"R{i % 7}", "x" * 300 + str(i), Severity.LOW, path="a.py", line=i + 1
        )
        for i in range(400)
    ]
    unlimited = SarifReport().render(_one(*findings))
    assert len(unlimited.encode()) > 60_000
    text = SarifReport(Limits(bytes=60_000)).render(_one(*findings))
    assert len(text.encode()) <= 60_000
    log = json.loads(text)
    note = log["runs"][0]["properties"]["lockgate/truncated"]
    assert note["omittedResults"] > 0
    assert note["omittedResults"] + len(log["runs"][0]["results"]) == 400
    assert errors(log) == []


def test_an_empty_run_still_has_one_valid_sarif_run() -> None:
    log = build(Run("r0", "p", STARTED, RunStatus.PASSED))
    assert [r["tool"]["driver"]["name"] for r in log["runs"]] == ["lockgate"]
    assert log["runs"][0]["results"] == []
    assert errors(log) == []

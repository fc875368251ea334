"""JUnit XML, read back by a real JUnit consumer (junitparser): suites, cases, counts, properties."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from junitparser import Error, Failure, JUnitXml, Skipped, TestSuite

from lockgate.model import Run
from lockgate.reports import render

from .sample_runs import HOSTILE

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def suites(run: Run) -> dict[str, TestSuite]:
    xml = JUnitXml.fromstring(render(run, "junit"))
    return {suite.name: suite for suite in xml}


def outcomes(suite: TestSuite) -> dict[str, str]:
    """case name -> passed | failure | skipped | error"""
    kinds = {Failure: "failure", Skipped: "skipped", Error: "error"}
    return {
        case.name: next((kinds[type(r)] for r in case.result if type(r) in kinds), "passed")
        for case in suite
    }


def test_one_suite_per_stage_and_one_for_the_project_tests(sample_run: Run) -> None:
    names = list(suites(sample_run))
    assert names == [
        "lint",
        "secrets",
        "sast",
        "test",
        "test: project tests",
        "accessibility",
        "deps",
        "docs",
        "deploy",
    ]


def test_counts_as_a_consumer_reads_them(sample_run: Run) -> None:
    xml = JUnitXml.fromstring(render(sample_run, "junit"))
    by_name = {s.name: s for s in xml}
    lint = by_name["lint"]
    assert (lint.tests, lint.failures, lint.errors, lint.skipped) == (4, 2, 0, 1)
    project = by_name["test: project tests"]
    assert (project.tests, project.failures, project.errors, project.skipped) == (4, 1, 0, 1)
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (21, 8, 1, 6)
    # the counts written match what the consumer counts itself
    for suite in xml:
        found = list(outcomes(suite).values())
        assert suite.failures == found.count("failure"), suite.name
        assert suite.skipped == found.count("skipped"), suite.name
        assert suite.errors == found.count("error"), suite.name


def test_gate_and_finding_cases(sample_run: Run) -> None:
    all_suites = suites(sample_run)
    lint = outcomes(all_suites["lint"])
    assert lint == {
        "lint gate": "failure",
        "F401 at src/app/main.py:3": "failure",
        "E741 at src/app/util.py:17": "passed",  # below threshold does not fail the gate
        "S101 at src/app/checks.py:5": "skipped",
    }
    assert outcomes(all_suites["secrets"]) == {
        "secrets gate": "passed",
        "KeywordDetector at config/settings.py:12": "skipped",
    }
    assert outcomes(all_suites["docs"]) == {"docs gate": "skipped"}
    assert outcomes(all_suites["deploy"]) == {"deploy gate": "error"}
    assert outcomes(all_suites["accessibility"])[
        "image-alt at http://127.0.0.1:8080/ img.logo"
    ] == ("passed")
    s101 = next(c for c in all_suites["lint"] if c.name.startswith("S101"))
    assert s101.result[0].message == "suppressed: test helper; expires 2026-06-30"
    f401 = next(c for c in all_suites["lint"] if c.name.startswith("F401"))
    assert f401.result[0].type == "low"
    assert "fingerprint: " in f401.result[0].text
    assert f401.classname == "lockgate.lint.ruff"


def test_project_test_cases_keep_their_names_and_messages(sample_run: Run) -> None:
    project = suites(sample_run)["test: project tests"]
    assert outcomes(project) == {
        "test_home": "passed",
        "test_total": "failure",
        "test_slow": "skipped",
        "test_health": "passed",
    }
    failed = next(c for c in project if c.name == "test_total")
    assert failed.classname == "tests.test_app"
    assert failed.time == 0.031
    assert failed.result[0].message == "assert 3 == 4 where 3"
    assert failed.result[0].text == "assert 3 == 4\n  where 3"


def test_metrics_and_tool_versions_are_properties(sample_run: Run) -> None:
    props = {p.name: p.value for p in suites(sample_run)["test"].properties()}
    assert props["metric.coverage"] == "87.5 %"
    assert props["metric.tests"] == "4"
    assert props["tool.pytest"] == "9.2.0"
    assert props["status"] == "failed"
    lint_props = {p.name: p.value for p in suites(sample_run)["lint"].properties()}
    assert lint_props["cached"] == "true"


def test_hostile_strings_give_well_formed_xml(hostile_run: Run) -> None:
    text = render(hostile_run, "junit")
    assert not _ILLEGAL.search(text)
    ET.fromstring(text)  # strict parser: raises on anything malformed
    xml = JUnitXml.fromstring(text)
    first = next(iter(xml))
    assert first.name.startswith('<script>alert(1)</script> "><img')
    assert (first.tests, first.failures, first.skipped) == (6, 3, 3)
    assert "<script>" not in text  # escaped, not raw
    unknown = [c for c in list(xml)[1] if c.result and isinstance(c.result[0], Error)]
    assert len(unknown) == 1  # an outcome lockgate does not know is an error, not a pass


def test_duplicate_case_names_are_made_unique(hostile_run: Run) -> None:
    names = [c.name for c in next(iter(JUnitXml.fromstring(render(hostile_run, "junit"))))]
    assert len(names) == len(set(names))
    assert HOSTILE not in names

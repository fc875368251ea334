"""A run whose gates passed but whose deps stage checked 0 of 31 packages: every format says
PASSED WITH UNCHECKED with the count, the reason and the fix; none of them reads as a clean pass."""

from __future__ import annotations

import json
from dataclasses import replace

import jsonschema
from junitparser import JUnitXml, Skipped

from lockgate.model import Run, RunStatus, StageResult, Status
from lockgate.reports import render, run_from_json
from lockgate.reports.jsonreport import results_schema
from lockgate.reports.verdict import Verdict, headline, verdict

from .sample_runs import STARTED, UNCHECKED
from .test_sarif import by_tool, errors, sarif

FIX = "run `lockgate advisories sync` or set [stages.deps] advisory_db"


def test_the_verdict_names_what_was_not_checked(unchecked_run: Run) -> None:
    assert verdict(unchecked_run) is Verdict.PASSED_WITH_UNCHECKED
    assert headline(unchecked_run) == "PASSED WITH UNCHECKED (31 items not checked)"
    clean = replace(unchecked_run, results=unchecked_run.results[:1])
    assert (verdict(clean), headline(clean)) == (Verdict.PASSED, "PASSED")
    failed = replace(unchecked_run, status=RunStatus.FAILED)
    assert headline(failed) == "FAILED (31 items not checked)"


def test_markdown_says_passed_with_unchecked_with_count_reason_and_fix(unchecked_run: Run) -> None:
    text = render(unchecked_run, "md")
    assert text.startswith(
        "## ⚠️ lockgate PASSED WITH UNCHECKED (31 items not checked): parcel-service\n"
    )
    assert "### ⚠️ Not checked: 31 item(s)" in text
    assert "requirements.txt: 31 not checked (no advisory data for PyPI" in text
    assert "fix: run \\`lockgate advisories sync\\`" in text
    assert "| deps | ⚠️ warned | 0 / 0 | 31 |" in text


def test_html_says_passed_with_unchecked_and_lists_each_item(unchecked_run: Run) -> None:
    html = render(unchecked_run, "html")
    assert 'class="badge s-passed_with_unchecked"' in html
    assert "PASSED WITH UNCHECKED</span>" in html
    assert "<strong>31 item(s) were not checked</strong>" in html
    assert "<h3>Not checked</h3>" in html
    assert "no advisory data for PyPI in the configured source" in html
    assert "run `lockgate advisories sync` or set [stages.deps] advisory_db" in html
    assert "<title>lockgate passed with unchecked (31 items not checked)" in html


def test_sarif_says_the_stage_could_not_do_its_job(unchecked_run: Run) -> None:
    log = sarif(unchecked_run)
    assert errors(log) == []
    runs = by_tool(log)
    # deps named no tool version: its notes go to lockgate's own run, never nowhere
    (invocation,) = runs["lockgate"]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "warning" and note["descriptor"] == {"id": "unchecked"}
    assert "stage deps: not checked: requirements.txt: 31 not checked" in note["message"]["text"]
    assert note["properties"]["lockgate/count"] == 31
    assert note["properties"]["lockgate/fix"] == FIX
    assert runs["lockgate"]["properties"]["lockgate/verdict"] == "passed_with_unchecked"
    assert runs["ruff"]["invocations"][0]["executionSuccessful"] is True  # lint checked it all


def test_sarif_note_is_an_error_when_fail_on_unchecked_failed_the_stage(
    unchecked_run: Run,
) -> None:
    lint, deps = unchecked_run.results
    failed = replace(unchecked_run, results=(lint, replace(deps, status=Status.FAILED)))
    (note,) = by_tool(sarif(failed))["lockgate"]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "error"


def test_junit_marks_the_stage_and_each_item_skipped_with_the_reason(unchecked_run: Run) -> None:
    xml = JUnitXml.fromstring(render(unchecked_run, "junit"))
    deps = next(s for s in xml if s.name == "deps")
    cases = {c.name: c for c in deps}
    gate = cases["deps gate"].result
    assert [type(r) for r in gate] == [Skipped]
    assert "0 of 31 packages checked" in (gate[0].message or "")
    item = cases["not checked: requirements.txt"].result
    assert [type(r) for r in item] == [Skipped]
    assert "no advisory data for PyPI" in (item[0].message or "")
    assert FIX in (item[0].text or "")
    assert (deps.tests, deps.failures, deps.skipped) == (2, 0, 2)
    lint = next(s for s in xml if s.name == "lint")
    assert lint.skipped == 0  # a stage that checked everything stays a plain pass


def test_json_has_the_verdict_the_count_and_every_item(unchecked_run: Run) -> None:
    text = render(unchecked_run, "json")
    doc = json.loads(text)
    jsonschema.Draft202012Validator(results_schema()).validate(doc)
    assert doc["run"]["status"] == "passed" and doc["run"]["verdict"] == "passed_with_unchecked"
    assert doc["summary"]["unchecked"] == 31
    assert doc["results"][1]["unchecked"] == [
        {
            "what": "requirements.txt",
            "reason": "no advisory data for PyPI in the configured source",
            "count": 31,
            "fix": FIX,
        }
    ]
    assert run_from_json(text) == unchecked_run


def test_the_schema_rejects_a_malformed_unchecked_item(unchecked_run: Run) -> None:
    doc = json.loads(render(unchecked_run, "json"))
    doc["results"][1]["unchecked"][0]["count"] = "many"
    validator = jsonschema.Draft202012Validator(results_schema())
    assert not validator.is_valid(doc)


def test_a_stage_with_no_tool_still_gets_its_notes_into_sarif() -> None:
    quiet = StageResult("secrets", Status.WARNED, unchecked=UNCHECKED)  # no tool, no finding
    run = Run("r", "p", STARTED, RunStatus.PASSED, results=(quiet,))
    invocation = by_tool(sarif(run))["lockgate"]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert len(invocation["toolExecutionNotifications"]) == 1

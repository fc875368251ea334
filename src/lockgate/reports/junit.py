"""JUnit XML: a suite per stage with a test case per gate and per finding, plus the project's tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from typing import assert_never

from lockgate.model import Finding, FindingState, Run, StageResult, Status, TestCase, Unchecked
from lockgate.reports.interface import FormatName
from lockgate.reports.text import clean, iso, one_line, sorted_findings, state_label
from lockgate.reports.verdict import describe

_COUNTED = ("failure", "error", "skipped")


class JunitReport:
    name = FormatName.JUNIT.value
    filename = "junit.xml"

    def render(self, run: Run) -> str:
        root = ET.Element("testsuites", name=clean(f"lockgate: {run.project}"))
        for result in run.results:
            root.append(_stage_suite(run, result))
            if result.test_cases:
                root.append(_project_suite(run, result))
        _count(root, root.findall("testsuite"))
        _scrub(root)
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


@dataclass
class _Suite:
    """A <testsuite> being filled, which keeps test-case names unique within it."""

    element: ET.Element
    names: Counter[tuple[str, str]] = field(default_factory=Counter)

    def case(self, classname: str, name: str, seconds: float = 0.0) -> ET.Element:
        classname, name = one_line(classname, 300), one_line(name, 500)
        self.names[(classname, name)] += 1
        if (seen := self.names[(classname, name)]) > 1:
            name = f"{name} ({seen})"
        return ET.SubElement(
            self.element, "testcase", classname=classname, name=name, time=_secs(seconds)
        )


def _stage_suite(run: Run, result: StageResult) -> ET.Element:
    suite = _Suite(_suite_element(run, result.stage, result.duration))
    props = ET.SubElement(suite.element, "properties")
    for key, value in _stage_properties(result):
        ET.SubElement(props, "property", name=clean(key), value=clean(value))
    _gate_case(
        suite.case(f"lockgate.{result.stage}", f"{result.stage} gate", result.duration), result
    )
    for finding in sorted_findings(result.findings):
        case = suite.case(f"lockgate.{result.stage}.{finding.tool}", _finding_name(finding))
        _finding_outcome(case, finding)
    for item in result.unchecked:  # what the stage could not check: skipped, with the reason
        case = suite.case(f"lockgate.{result.stage}.unchecked", f"not checked: {item.what}")
        skipped = ET.SubElement(case, "skipped", message=one_line(describe(item), 1_000))
        skipped.text = clean(_unchecked_details(item))
    return suite.element


def _unchecked_details(item: Unchecked) -> str:
    lines = [f"what: {item.what}", f"count: {item.count}", f"reason: {item.reason}"]
    return "\n".join([*lines, f"fix: {item.fix}"] if item.fix else lines)


def _suite_element(run: Run, name: str, seconds: float) -> ET.Element:
    stamp = (iso(run.started) or "")[:19]  # JUnit's timestamp has no zone: UTC
    return ET.Element("testsuite", name=one_line(name, 300), time=_secs(seconds), timestamp=stamp)


def _stage_properties(result: StageResult) -> list[tuple[str, str]]:
    pairs = [
        ("status", result.status.value),
        ("cached", "true" if result.cached else "false"),
        ("duration_seconds", _secs(result.duration)),
    ]
    if result.summary:
        pairs.append(("summary", one_line(result.summary, 1_000)))
    if result.unchecked:
        pairs.append(("unchecked", str(result.unchecked_count)))
    pairs += [(f"metric.{m.name}", f"{m.value:g} {m.unit}".strip()) for m in result.metrics]
    pairs += [(f"tool.{tool}", version) for tool, version in result.tool_versions]
    return pairs


def _gate_case(case: ET.Element, result: StageResult) -> None:
    summary = one_line(result.summary or result.status.value, 1_000)
    open_count = len(result.open_findings)
    match result.status:
        case Status.FAILED:
            failure = ET.SubElement(case, "failure", message=summary, type="gate failed")
            failure.text = f"{open_count} open finding(s) fail the {result.stage} gate"
            if result.unchecked:
                failure.text += f"; {result.unchecked_count} item(s) not checked"
        case Status.ERROR:
            ET.SubElement(case, "error", message=summary, type="stage error")
        case Status.SKIPPED:
            ET.SubElement(case, "skipped", message=summary)
        case Status.PASSED | Status.WARNED if result.unchecked:  # not a pass: it did not check all
            skipped = ET.SubElement(case, "skipped", message=summary)
            skipped.text = "\n".join(describe(u) for u in result.unchecked)
        case Status.PASSED | Status.WARNED:
            out = ET.SubElement(case, "system-out")
            out.text = f"{result.status.value}: {summary}"
        case _:
            assert_never(result.status)


def _finding_name(finding: Finding) -> str:
    where = finding.where
    return f"{finding.rule_id} at {where}" if where else finding.rule_id


def _finding_outcome(case: ET.Element, finding: Finding) -> None:
    label = one_line(state_label(finding), 1_000)
    match finding.state:
        case FindingState.OPEN:
            failure = ET.SubElement(
                case,
                "failure",
                message=one_line(finding.message, 1_000),
                type=finding.severity.value,
            )
            failure.text = clean(_finding_details(finding))
        case FindingState.SUPPRESSED | FindingState.KNOWN:
            ET.SubElement(case, "skipped", message=label)
        case FindingState.BELOW_THRESHOLD:
            out = ET.SubElement(case, "system-out")
            out.text = clean(f"{label}\n{_finding_details(finding)}")
        case _:
            assert_never(finding.state)


def _finding_details(finding: Finding) -> str:
    lines = [
        f"rule: {finding.rule_id} ({finding.tool})",
        f"severity: {finding.severity.value}",
        f"where: {finding.where or '-'}",
        f"message: {finding.message}",
        f"fingerprint: {finding.fingerprint}",
    ]
    if finding.help_uri:
        lines.append(f"help: {finding.help_uri}")
    return "\n".join(lines)


def _project_suite(run: Run, result: StageResult) -> ET.Element:
    seconds = sum(t.duration for t in result.test_cases)
    suite = _Suite(_suite_element(run, f"{result.stage}: project tests", seconds))
    for test in result.test_cases:
        _test_outcome(suite.case(test.classname, test.name, test.duration), test)
    return suite.element


def _test_outcome(case: ET.Element, test: TestCase) -> None:
    message = one_line(test.message or "", 1_000)
    if test.outcome == "passed":
        return
    if test.outcome == "failed":
        node = ET.SubElement(case, "failure", message=message or "failed")
    elif test.outcome == "skipped":
        node = ET.SubElement(case, "skipped", message=message or "skipped")
    else:
        kind = "error" if test.outcome == "error" else f"unknown outcome {test.outcome!r}"
        node = ET.SubElement(case, "error", message=message or kind, type=one_line(kind, 100))
    if test.message and "\n" in test.message:
        node.text = clean(test.message)


def _count(root: ET.Element, suites: list[ET.Element]) -> None:
    """Fill tests/failures/errors/skipped/time on every suite and on the root."""
    totals: Counter[str] = Counter()
    seconds = 0.0
    for suite in suites:
        counts = Counter({tag: 0 for tag in _COUNTED})
        cases = suite.findall("testcase")
        for case in cases:
            for tag in _COUNTED:
                counts[tag] += 1 if case.find(tag) is not None else 0
        _set_counts(suite, len(cases), counts)
        totals.update(counts)
        totals["tests"] += len(cases)
        seconds += float(suite.get("time", "0"))
    _set_counts(root, totals["tests"], totals)
    root.set("time", _secs(seconds))


def _set_counts(element: ET.Element, tests: int, counts: Counter[str]) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(counts["failure"]))
    element.set("errors", str(counts["error"]))
    element.set("skipped", str(counts["skipped"]))


def _scrub(root: ET.Element) -> None:
    """Drop XML-illegal characters from every text and attribute (ElementTree only escapes)."""
    for node in root.iter():
        node.text = clean(node.text) if node.text else node.text
        for key, value in node.attrib.items():
            node.set(key, clean(value))


def _secs(seconds: float) -> str:
    return f"{max(seconds, 0.0):.3f}"

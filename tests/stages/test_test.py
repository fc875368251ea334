"""The test stage with real pytest and coverage.py: the example, a faulty fixture, custom commands, bad JUnit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lockgate.model import Finding, Severity, StageResult, Status
from lockgate.stages.interface import Gate
from lockgate.stages.test import TestStage
from tests.testing.harness import EXAMPLES, FIXTURES, copy_project, make_context, run_stage

FAULTS = FIXTURES / "pytest-faults"
EXAMPLE = EXAMPLES / "tenancy-api"
CHECKS = "checks/check_calc.py"


def metrics(result: StageResult) -> dict[str, float]:
    return {m.name: m.value for m in result.metrics}


def failures(result: StageResult) -> dict[str, Finding]:
    """test-failure findings by test name (the part after ::)."""
    return {
        f.message.split("::", 1)[1].split(" ", 1)[0]: f
        for f in result.findings
        if f.rule_id == "test-failure"
    }


def tree(root: Path) -> list[str]:
    skip = (".venv", "wheels", ".lockgate")
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.relative_to(root).parts[0] not in skip
    )


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, StageResult]:
    """One run of the faulty fixture shared by the read-only assertions below."""
    base = tmp_path_factory.mktemp("faulty")
    project = copy_project(FAULTS, base / "project")
    return project, run_stage(TestStage, project, base, coverage_min=95)


@pytest.mark.skipif(
    not (EXAMPLE / ".venv" / "bin" / "python").exists(),
    reason="the example's .venv is made by scripts/bootstrap (see examples/tenancy-api/README.md)",
)
def test_example_passes_with_coverage_and_writes_nothing(tmp_path: Path) -> None:
    before = tree(EXAMPLE)
    result = run_stage(TestStage, EXAMPLE, tmp_path, coverage_min=80)
    assert result.status is Status.PASSED, result.summary
    assert result.findings == ()
    m = metrics(result)
    assert m["tests"] >= 20 and m["failures"] == m["errors"] == 0
    assert m["coverage_percent"] >= 80
    assert len(result.test_cases) == m["tests"]
    assert {Path(a).name for a in result.artifacts} == {
        "junit.xml",
        "coverage.json",
        "coverage.xml",
    }
    assert tree(EXAMPLE) == before
    versions = dict(result.tool_versions)
    assert (
        versions["pytest"] == "9.2.0"
        and versions["coverage"]
        and versions["python"].startswith("3.")
    )


@pytest.mark.skipif(
    not (EXAMPLE / "wheels").is_dir(),
    reason="the example's wheels/ folder is made by scripts/bootstrap",
)
def test_a_fresh_copy_of_the_example_gets_its_environment_created(tmp_path: Path) -> None:
    project = copy_project(EXAMPLE, tmp_path / "project")  # without .venv
    assert not (project / ".venv").exists()
    before = tree(project)
    result = run_stage(TestStage, project, tmp_path / "1", coverage_min=80, wheels="wheels")
    assert result.status is Status.PASSED, result.summary
    assert result.findings == ()
    assert "environment created with uv from requirements.txt" in result.summary
    assert metrics(result)["coverage_percent"] >= 80
    assert (tmp_path / "1" / "artifacts" / "test" / "environment.log").is_file()
    again = run_stage(TestStage, project, tmp_path / "2", coverage_min=80, wheels="wheels")
    assert again.status is Status.PASSED, again.summary
    assert not (tmp_path / "2" / "artifacts" / "test" / "environment.log").exists()  # reused
    assert tree(project) == before  # only .lockgate/ (ignored by `tree`) was written


def test_failures_have_file_line_and_first_message_line(faulty: tuple[Path, StageResult]) -> None:
    _, result = faulty
    found = failures(result)
    add = found["test_add_fails"]
    assert add.location is not None and (add.location.path, add.location.start_line) == (CHECKS, 12)
    assert add.message.endswith("failed: AssertionError: two and two make five")
    assert add.severity is Severity.HIGH
    assert found["test_divide_errors"].location.start_line == 16  # type: ignore[union-attr]
    assert "ZeroDivisionError" in found["test_divide_errors"].message
    assert "errored" in found["test_uses_broken_fixture"].message
    assert "test_add_passes" not in found and "test_later" not in found


def test_counts_metrics_and_test_cases(faulty: tuple[Path, StageResult]) -> None:
    _, result = faulty
    assert result.status is Status.PASSED  # the gate turns the open findings into "failed"
    m = metrics(result)
    assert (m["tests"], m["failures"], m["errors"], m["skipped"]) == (10, 7, 1, 1)
    assert m["duration"] >= 0
    outcomes = {c.name: c.outcome for c in result.test_cases}
    assert outcomes["test_add_passes"] == "passed" and outcomes["test_later"] == "skipped"
    assert outcomes["test_uses_broken_fixture"] == "error"


def test_coverage_below_floor_is_a_high_finding(faulty: tuple[Path, StageResult]) -> None:
    _, result = faulty
    floor = [f for f in result.findings if f.rule_id == "coverage-floor"]
    assert len(floor) == 1 and floor[0].severity is Severity.HIGH
    assert metrics(result)["coverage_percent"] < 95
    assert "below coverage_min 95%" in floor[0].message


def test_hostile_test_names_are_kept_safe(faulty: tuple[Path, StageResult]) -> None:
    _, result = faulty
    hostile = [f for f in result.findings if "test_hostile_names" in f.message]
    assert len(hostile) == 5
    for finding in hostile:
        assert not any(ch in finding.message for ch in ("\x1b", "\u202e", "\x00"))
        assert len(finding.message) < 1200
    assert any(
        "<script>alert(1)</script>" in f.message for f in hostile
    )  # kept as text, escaped by reports
    assert len({f.fingerprint for f in hostile}) == 5


def test_the_project_is_not_written_to(faulty: tuple[Path, StageResult]) -> None:
    project, _ = faulty
    assert tree(project) == tree(FAULTS)


def test_fingerprints_survive_lines_inserted_above(tmp_path: Path) -> None:
    project = copy_project(FAULTS, tmp_path / "project")
    before = failures(run_stage(TestStage, project, tmp_path / "1", pytest_args=["-k", "add"]))
    checks = project / CHECKS
    checks.write_text("# a\n# b\n" + checks.read_text())
    after = failures(run_stage(TestStage, project, tmp_path / "2", pytest_args=["-k", "add"]))
    assert after["test_add_fails"].fingerprint == before["test_add_fails"].fingerprint
    assert after["test_add_fails"].location.start_line == 14  # type: ignore[union-attr]


def test_coverage_at_or_above_floor_and_floor_off(tmp_path: Path) -> None:
    project = copy_project(FAULTS, tmp_path / "project")
    result = run_stage(TestStage, project, tmp_path, pytest_args=["-k", "passes"], coverage_min=0)
    assert result.findings == ()
    assert result.status is Status.PASSED and metrics(result)["tests"] == 1


def test_no_tests_is_warned_with_reason(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "lib.py").write_text("VALUE = 1\n")
    result = run_stage(TestStage, project, tmp_path)
    assert result.status is Status.WARNED
    assert "no tests ran" in result.summary and "collected no tests" in result.summary


def _command(code: str) -> list[str]:
    return ["{python}", "-c", code]


def test_malformed_junit_from_command_is_an_error_with_fix(tmp_path: Path) -> None:
    code = "open(r'{artifacts}/junit.xml', 'w').write('<testsuite><testcase name=')"
    result = run_stage(TestStage, FAULTS, tmp_path, command=_command(code))
    assert result.status is Status.ERROR
    (finding,) = result.findings
    assert finding.rule_id == "junit-unreadable" and "not well-formed XML" in finding.message
    assert (
        "junit.xml" in finding.message and finding.help_text and "junit_path" in finding.help_text
    )


def test_a_stale_report_from_an_earlier_run_is_not_reused(tmp_path: Path) -> None:
    write = "open(r'{artifacts}/junit.xml', 'w').write('<testsuite><testcase name=\"old\"/></testsuite>')"
    first = run_stage(TestStage, FAULTS, tmp_path, command=_command(write))
    assert first.status is Status.PASSED and len(first.test_cases) == 1
    again = run_stage(
        TestStage, FAULTS, tmp_path, command=_command("pass")
    )  # same artifacts folder
    assert again.status is Status.ERROR and "no JUnit report" in again.summary


def test_missing_junit_names_the_expected_path(tmp_path: Path) -> None:
    result = run_stage(
        TestStage, FAULTS, tmp_path, command=_command("pass"), junit_path="out/report.xml"
    )
    assert result.status is Status.ERROR
    (finding,) = result.findings
    assert "out/report.xml" in finding.message


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        ("<html><body/></html>", "root element is <html>"),
        ('<testsuite><testcase name="a&#27;b"/></testsuite>', "not well-formed"),
        (
            '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
            + "".join(
                f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
                for p, c in zip("abcdefg", "bcdefgh", strict=True)
            )
            + ']><testsuite><testcase name="&h;"/></testsuite>',
            "not well-formed",
        ),
    ],
    ids=["wrong-root", "control-char-entity", "entity-expansion"],
)
def test_hostile_junit_files_are_refused(tmp_path: Path, xml: str, reason: str) -> None:
    (tmp_path / "given.xml").write_text(xml)
    result = run_stage(
        TestStage,
        FAULTS,
        tmp_path,
        command=_command("pass"),
        junit_path=str(tmp_path / "given.xml"),
    )
    assert result.status is Status.ERROR
    assert reason in result.findings[0].message


def test_custom_command_junit_is_read(tmp_path: Path) -> None:
    xml = (
        '<testsuites><testsuite name="jest"><testcase classname="checks.check_calc" name="renders" time="0.5">'
        '<failure message="expected 1&#10;received 2"/></testcase>'
        '<testcase classname="ui" name="ok" time="x"/></testsuite></testsuites>'
    )
    (tmp_path / "given.xml").write_text(xml)
    result = run_stage(
        TestStage,
        FAULTS,
        tmp_path,
        command=_command("raise SystemExit(1)"),
        junit_path=str(tmp_path / "given.xml"),
    )
    assert result.status is Status.PASSED
    (finding,) = result.findings
    assert finding.message == "checks.check_calc::renders failed: expected 1"
    assert (
        finding.location is not None and finding.location.path == CHECKS
    )  # guessed from the classname
    assert metrics(result)["tests"] == 2 and "coverage_percent" not in metrics(result)


def test_command_that_fails_without_failing_tests_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "given.xml").write_text('<testsuite><testcase classname="a" name="b"/></testsuite>')
    result = run_stage(
        TestStage,
        FAULTS,
        tmp_path,
        command=_command("raise SystemExit(3)"),
        junit_path=str(tmp_path / "given.xml"),
    )
    assert result.status is Status.ERROR and "exited 3" in result.summary


def test_timeout_stops_the_tests(tmp_path: Path) -> None:
    ctx = make_context(
        TestStage,
        FAULTS,
        tmp_path / "artifacts",
        gate=Gate(timeout=1),
        command=_command("import time; time.sleep(60)"),
    )
    result = TestStage().run(ctx)
    assert result.status is Status.ERROR
    assert [f.rule_id for f in result.findings] == ["test-timeout"]


def test_python_without_pytest_is_an_error_with_fix(tmp_path: Path) -> None:
    venv = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    result = run_stage(TestStage, FAULTS, tmp_path, python=str(venv / "bin" / "python"))
    assert result.status is Status.ERROR
    assert (
        "pytest is not installed" in result.summary
        and "pip install pytest coverage" in result.summary
    )


def test_unavailable_when_python_is_missing(tmp_path: Path) -> None:
    ctx = make_context(TestStage, FAULTS, tmp_path / "a", python=str(tmp_path / "nope" / "python"))
    why = TestStage().available(ctx)
    assert why is not None and "not found" in why


def test_cache_key(tmp_path: Path) -> None:
    project = copy_project(FAULTS, tmp_path / "project")
    ctx = make_context(TestStage, project, tmp_path / "a")
    key = TestStage().cache_key(ctx)
    assert key is not None and TestStage().cache_key(ctx) == key
    (project / "README.md").write_text("tests may read any file\n")
    assert TestStage().cache_key(ctx) != key
    off = make_context(TestStage, project, tmp_path / "b", cache=False)
    assert TestStage().cache_key(off) is None


def test_missing_module_in_the_test_interpreter_gets_a_venv_hint(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "conftest.py").write_text("import lockgate_no_such_module  # noqa: F401\n")
    (project / "test_x.py").write_text("def test_x():\n    pass\n")
    result = run_stage(TestStage, project, tmp_path)
    assert result.status is Status.ERROR
    assert "lacks a module" in result.summary and ".venv" in result.summary
    assert "lockgate_no_such_module" in result.summary  # pytest's own output follows


def test_parallel_coverage_data_is_combined(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.coverage.run]\nparallel = true\nsource = ["lib"]\n'
    )
    (project / "lib.py").write_text("def f():\n    return 1\n")
    (project / "test_lib.py").write_text("import lib\n\n\ndef test_f():\n    assert lib.f() == 1\n")
    result = run_stage(TestStage, project, tmp_path, coverage_min=100)
    assert metrics(result)["coverage_percent"] == 100 and result.findings == ()

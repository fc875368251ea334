"""Test stage: run the project's own tests (pytest under coverage.py by default), read JUnit and coverage.

Every failing or erroring test is a `test-failure` finding; coverage under `coverage_min` is a
`coverage-floor` finding. The project is read in place: caches, bytecode and coverage data go to artifacts.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from lockgate import fsutil
from lockgate.config.options import Option, percentage
from lockgate.model import (
    Finding,
    Location,
    Metric,
    Severity,
    StageResult,
    Status,
    TestCase,
    fingerprint,
)
from lockgate.stages.interface import StageContext
from lockgate.tools import proc

STAGE = "test"
PYTEST_NO_TESTS = 5
MAX_JUNIT_BYTES = 64 * 1024 * 1024
_COVERAGE_CONFIGS = {
    ".coveragerc": "",
    "pyproject.toml": "[tool.coverage",
    "setup.cfg": "[coverage:",
    "tox.ini": "[coverage:",
}
# control characters and bidi overrides (which can make a report say something other than it shows)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Plan:
    """What will run: the command, where its JUnit lands, whether coverage wraps it."""

    argv: tuple[str, ...]
    junit: Path
    python: str
    coverage: bool


class JUnitError(Exception):
    """A JUnit file that is missing or cannot be read."""


class TestStage:
    __test__ = False  # not a pytest class

    name: ClassVar[str] = STAGE
    needs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = (
        "The project's own tests with coverage (Python: pytest + coverage.py)"
    )
    options: ClassVar[tuple[Option, ...]] = (
        Option("python", "str", "", "Python to run the tests with when the project has no .venv"),
        Option(
            "command",
            "list[str]",
            [],
            "Replace the whole test command; {python}, {artifacts}, {project} are substituted",
        ),
        Option(
            "junit_path",
            "str",
            "{artifacts}/junit.xml",
            "JUnit XML that `command` writes (relative to the project, or with {artifacts})",
        ),
        Option("pytest_args", "list[str]", [], "Extra arguments for pytest (default command only)"),
        Option(
            "coverage_min",
            "float",
            0.0,
            "Minimum line coverage in percent; 0 = off",
            check=percentage,
        ),
        Option("cache", "bool", True, "Reuse the last result when no project file changed"),
    )

    def available(self, ctx: StageContext) -> str | None:
        if ctx.options.get("command"):
            return None
        python = _python(ctx)
        if not os.access(python, os.X_OK):
            return f"python {python} not found; set [stages.test] python, or create the project's .venv"
        return None

    def cache_key(self, ctx: StageContext) -> str | None:
        if not ctx.options.get("cache", True):
            return None
        python = _python(ctx)
        files = fsutil.project_files(ctx.project)
        # In a venv the dist-info names and pyvenv.cfg pin every version without starting Python.
        installed = _installed(Path(python))
        cfg = Path(python).parent.parent / "pyvenv.cfg"
        identity = [cfg.read_text(errors="replace"), *installed] if installed else []
        if not identity:
            identity = [json.dumps(_probe(python), sort_keys=True)]
        return fsutil.digest_text(fsutil.digest_files(ctx.project, files), python, *identity)

    def run(self, ctx: StageContext) -> StageResult:
        started = time.monotonic()
        ctx = _absolute(ctx)  # the command runs in the project: every path given to it is absolute
        versions = _probe(_python(ctx))
        if not ctx.options.get("command") and not versions.get("pytest"):
            return _error(_missing_pytest(_python(ctx)), started, [])
        plan = _plan(ctx, versions)
        _clear_stale(ctx, plan)
        env = {
            "COVERAGE_FILE": str(ctx.artifacts / ".coverage"),
            "PYTHONDONTWRITEBYTECODE": "1",
            "LOCKGATE_ARTIFACTS": str(ctx.artifacts),
        }
        done = proc.run(plan.argv, cwd=ctx.project, env=env, timeout=ctx.gate.timeout)
        if done.timed_out:
            return _timed_out(ctx, done, started)
        try:
            cases = _read_junit(plan.junit)
        except JUnitError as exc:
            return _junit_error(ctx, plan, done, str(exc), started)
        coverage = _coverage(ctx, plan, env)
        return _result(ctx, done, cases, coverage, plan, started).with_(
            tool_versions=tuple(sorted((k, v) for k, v in versions.items() if v))
        )


# --- planning ---------------------------------------------------------------------------------


def _absolute(ctx: StageContext) -> StageContext:
    return replace(ctx, project=ctx.project.absolute(), artifacts=ctx.artifacts.absolute())


def _python(ctx: StageContext) -> str:
    own = ctx.project.absolute() / ".venv" / "bin" / "python"
    if own.exists():
        return str(own)
    configured = str(ctx.options.get("python") or "")
    if configured:
        return proc.which(configured) or configured
    return sys.executable


def _substitute(text: str, ctx: StageContext, python: str) -> str:
    for key, value in (
        ("{python}", python),
        ("{artifacts}", str(ctx.artifacts)),
        ("{project}", str(ctx.project)),
    ):
        text = text.replace(key, value)
    return text


def _plan(ctx: StageContext, versions: dict[str, str | None]) -> Plan:
    python = _python(ctx)
    command = list(ctx.options.get("command") or [])
    if command:
        junit = Path(
            _substitute(str(ctx.options.get("junit_path") or "{artifacts}/junit.xml"), ctx, python)
        )
        argv = tuple(_substitute(a, ctx, python) for a in command)
        return Plan(
            argv, junit if junit.is_absolute() else ctx.project / junit, python, coverage=False
        )
    junit = ctx.artifacts / "junit.xml"
    pytest = [
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-o",
        "junit_family=xunit1",  # xunit1 keeps each test's file and line
        f"--junitxml={junit}",
        "-q",
        *ctx.options.get("pytest_args", []),
    ]
    if not versions.get("coverage"):
        return Plan((python, *pytest), junit, python, coverage=False)
    source = (
        []
        if _coverage_configured(ctx.project)
        else ["--source=.", "--omit=.venv/*,*/site-packages/*"]
    )
    return Plan((python, "-m", "coverage", "run", *source, *pytest), junit, python, coverage=True)


def _coverage_configured(project: Path) -> bool:
    for name, marker in _COVERAGE_CONFIGS.items():
        path = project / name
        if path.is_file():
            try:
                if marker in path.read_text(encoding="utf-8", errors="replace"):
                    return True
            except OSError:
                continue
    return False


_PROBE = """
import importlib.metadata as m, json, sys
found = {"python": sys.version.split()[0]}
for name in ("pytest", "coverage"):
    try:
        found[name] = m.version(name)
    except m.PackageNotFoundError:
        found[name] = None
print(json.dumps(found))
"""


def _probe(python: str) -> dict[str, str | None]:
    """Versions of python, pytest and coverage in the test interpreter (None: not installed)."""
    done = proc.run([python, "-c", _PROBE], timeout=60)
    try:
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"python": None, "pytest": None, "coverage": None}
    return (
        {str(k): (str(v) if v else None) for k, v in found.items()}
        if isinstance(found, dict)
        else {}
    )


def _clear_stale(ctx: StageContext, plan: Plan) -> None:
    """A report left by an earlier run in the artifacts must not pass for this run's."""
    stale = [plan.junit, ctx.artifacts / "coverage.json", *ctx.artifacts.glob(".coverage*")]
    for path in stale:
        if _inside(ctx.artifacts, path):
            path.unlink(missing_ok=True)


def _missing_pytest(python: str) -> str:
    return (
        f"pytest is not installed for {python}; fix: `{python} -m pip install pytest coverage`, "
        "or set [stages.test] python / command"
    )


def _installed(python: Path) -> list[str]:
    """Names of the distributions installed in the interpreter's venv (cheap: no subprocess)."""
    venv = python.parent.parent
    if not (venv / "pyvenv.cfg").is_file():
        return []
    return sorted(p.name for p in venv.glob("lib/python*/site-packages/*.dist-info"))


# --- reading results ----------------------------------------------------------------------------


def _read_junit(path: Path) -> list[tuple[TestCase, str | None, int | None]]:
    """Each test case with the file and line pytest recorded (None when the report has none)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise JUnitError(f"no JUnit report at {path} ({exc.strerror})") from exc
    if size > MAX_JUNIT_BYTES:
        raise JUnitError(f"{path} is {size} bytes, more than the {MAX_JUNIT_BYTES} lockgate reads")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise JUnitError(f"{path} is not well-formed XML: {exc}") from exc
    if root.tag not in ("testsuites", "testsuite"):
        raise JUnitError(
            f"{path}: root element is <{_clean(root.tag, 40)}>, not <testsuites> or <testsuite>"
        )
    return [_case(el) for el in root.iter("testcase")]


def _case(el: ET.Element) -> tuple[TestCase, str | None, int | None]:
    outcome, message = "passed", None
    for child in el:
        if child.tag in ("failure", "error", "skipped"):
            outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[child.tag]
            message = _first_line(child.get("message") or child.text or "")
            if outcome != "skipped":
                text = (child.get("message") or "") + "\n" + (child.text or "")
                return _with_location(el, outcome, message, text)
    return _with_location(el, outcome, message, "")


def _with_location(
    el: ET.Element, outcome: str, message: str | None, text: str
) -> tuple[TestCase, str | None, int | None]:
    case = TestCase(
        classname=_clean(el.get("classname") or "", 500),
        name=_clean(el.get("name") or "", 500),
        outcome=outcome,
        duration=_float(el.get("time")),
        message=message,
    )
    file = el.get("file")
    line = _int(el.get("line"))
    if file and text:
        line = _failing_line(text, file) or (line + 1 if line is not None else None)
    elif line is not None:
        line += 1  # pytest records 0-based lines
    return case, file, line


def _failing_line(text: str, file: str) -> int | None:
    """The last traceback line in the test's own file: `tests/test_x.py:12: AssertionError`."""
    pattern = re.compile(rf"^{re.escape(file)}:(\d+):", re.MULTILINE)
    hits = pattern.findall(text)
    return int(hits[-1]) if hits else None


def _coverage_cmd(ctx: StageContext, plan: Plan, env: dict[str, str], *args: str) -> None:
    proc.run([plan.python, "-m", "coverage", *args], cwd=ctx.project, env=env, timeout=300)


def _coverage(ctx: StageContext, plan: Plan, env: dict[str, str]) -> float | None:
    report = ctx.artifacts / "coverage.json"
    if plan.coverage and any(ctx.artifacts.glob(".coverage.*")):
        _coverage_cmd(ctx, plan, env, "combine")  # the project's config has `parallel = true`
    if plan.coverage and (ctx.artifacts / ".coverage").exists():
        for fmt in ("json", "xml"):
            _coverage_cmd(ctx, plan, env, fmt, "-o", str(ctx.artifacts / f"coverage.{fmt}"))
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        return float(data["totals"]["percent_covered"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --- building the result ------------------------------------------------------------------------


def _result(
    ctx: StageContext,
    done: proc.Completed,
    parsed: list[tuple[TestCase, str | None, int | None]],
    coverage: float | None,
    plan: Plan,
    started: float,
) -> StageResult:
    cases = [c for c, _, _ in parsed]
    findings = [
        _failure(ctx.project, c, f, ln) for c, f, ln in parsed if c.outcome in ("failed", "error")
    ]
    floor = _coverage_floor(ctx, coverage, plan)
    if floor:
        findings.append(floor)
    counts = {o: sum(c.outcome == o for c in cases) for o in ("failed", "error", "skipped")}
    metrics = [
        Metric("tests", len(cases)),
        Metric("failures", counts["failed"]),
        Metric("errors", counts["error"]),
        Metric("skipped", counts["skipped"]),
        Metric("duration", round(sum(c.duration for c in cases), 3), "s"),
    ]
    if coverage is not None:
        metrics.append(Metric("coverage_percent", round(coverage, 2), "%"))
    artifacts = tuple(
        str(p)
        for p in (plan.junit, *(ctx.artifacts / f"coverage.{x}" for x in ("json", "xml")))
        if p.exists()
    )
    status, summary = _verdict(done, cases, counts, coverage)
    return StageResult(
        stage=STAGE,
        status=status,
        findings=tuple(findings),
        metrics=tuple(metrics),
        artifacts=artifacts,
        duration=time.monotonic() - started,
        summary=summary,
        test_cases=tuple(cases),
    )


def _verdict(
    done: proc.Completed, cases: Sequence[TestCase], counts: dict[str, int], coverage: float | None
) -> tuple[Status, str]:
    cov = f", coverage {coverage:.1f}%" if coverage is not None else ""
    if not cases:
        why = (
            "pytest collected no tests"
            if done.returncode == PYTEST_NO_TESTS
            else "the JUnit report lists no tests"
        )
        return Status.WARNED, f"no tests ran: {why}; add tests (pytest looks for tests/test_*.py)"
    if done.returncode not in (0, 1, 2) and not (counts["failed"] or counts["error"]):
        return Status.ERROR, f"the test command failed without failing tests: {done.describe()}"
    bad = counts["failed"] + counts["error"]
    return Status.PASSED, f"{len(cases)} tests, {bad} failing, {counts['skipped']} skipped{cov}"


def _failure(project: Path, case: TestCase, file: str | None, line: int | None) -> Finding:
    path = file if file and (project / file).is_file() else _guess_file(project, case.classname)
    ident = f"{case.classname}::{case.name}"
    label = "failed" if case.outcome == "failed" else "errored"
    detail = f": {case.message}" if case.message else ""
    return Finding(
        stage=STAGE,
        tool="pytest",
        rule_id="test-failure",
        message=f"{ident} {label}{detail}",
        severity=Severity.HIGH,
        fingerprint=fingerprint("test-failure", path or case.classname, ident),
        location=Location(path, line if path else None) if path else None,
        help_text="run the test locally (`python -m pytest -x <file>`), fix the code or the test",
    )


def _guess_file(project: Path, classname: str) -> str | None:
    """tests.test_api.TestX -> tests/test_api.py when that file exists."""
    parts = classname.split(".")
    for end in range(len(parts), 0, -1):
        candidate = "/".join(parts[:end]) + ".py"
        if (project / candidate).is_file():
            return candidate
    return None


def _coverage_floor(ctx: StageContext, coverage: float | None, plan: Plan) -> Finding | None:
    floor = float(ctx.options.get("coverage_min") or 0)
    if floor <= 0 or (coverage is not None and coverage >= floor):
        return None
    if coverage is None:
        why = "coverage was not measured" + (
            "" if plan.coverage else " (coverage.py is not installed for the tests)"
        )
        message = f"{why}; coverage_min is {floor:g}%"
    else:
        message = f"line coverage {coverage:.1f}% is below coverage_min {floor:g}%"
    return Finding(
        stage=STAGE,
        tool="coverage.py",
        rule_id="coverage-floor",
        message=message,
        severity=Severity.HIGH,
        fingerprint=fingerprint("coverage-floor", ".", f"coverage_min {floor:g}"),
        help_text="add tests for the uncovered lines (see coverage.json / coverage.xml in the artifacts)",
    )


def _junit_error(
    ctx: StageContext, plan: Plan, done: proc.Completed, why: str, started: float
) -> StageResult:
    fix = _junit_fix(ctx, plan, done)
    finding = Finding(
        stage=STAGE,
        tool="lockgate",
        rule_id="junit-unreadable",
        message=f"{why} (test command exited {done.returncode})",
        severity=Severity.HIGH,
        fingerprint=fingerprint("junit-unreadable", _rel(ctx.project, plan.junit), ""),
        location=Location(_rel(ctx.project, plan.junit))
        if _inside(ctx.project, plan.junit)
        else None,
        help_text=fix,
    )
    return _error(f"{why}; fix: {fix}. {done.describe()}", started, [finding])


def _junit_fix(ctx: StageContext, plan: Plan, done: proc.Completed) -> str:
    if ctx.options.get("command"):
        return "make the test command write JUnit XML to junit_path (pytest: --junitxml=PATH)"
    if "ModuleNotFoundError" in done.stdout + done.stderr:
        return (
            f"the tests ran with {plan.python}, which lacks a module they import: create the project's "
            ".venv (python3 -m venv .venv && .venv/bin/pip install -r requirements.txt) "
            "or set [stages.test] python"
        )
    return "pytest stopped before writing its report: see its output below"


def _timed_out(ctx: StageContext, done: proc.Completed, started: float) -> StageResult:
    finding = Finding(
        stage=STAGE,
        tool="lockgate",
        rule_id="test-timeout",
        message=f"the tests did not finish within {ctx.gate.timeout:g} s and were stopped",
        severity=Severity.HIGH,
        fingerprint=fingerprint("test-timeout", ".", ""),
        help_text="find the hanging test (pytest --durations=10), or raise [stages.test] timeout",
    )
    return _error(finding.message, started, [finding])


def _error(summary: str, started: float, findings: list[Finding]) -> StageResult:
    return StageResult(
        stage=STAGE,
        status=Status.ERROR,
        findings=tuple(findings),
        duration=time.monotonic() - started,
        summary=summary,
    )


# --- small helpers ------------------------------------------------------------------------------


def _clean(text: str, limit: int) -> str:
    """Control characters made visible, length bounded: safe for terminals and reports."""
    cleaned = _CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return _clean(line.strip(), 300)
    return None


def _float(value: str | None) -> float:
    try:
        return max(0.0, float(value or 0))
    except ValueError:
        return 0.0


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _inside(project: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(project.resolve())
    except ValueError:
        return False
    return True


def _rel(project: Path, path: Path) -> str:
    return (
        path.resolve().relative_to(project.resolve()).as_posix()
        if _inside(project, path)
        else str(path)
    )

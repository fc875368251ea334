"""One run for the run page and its JSON: stages, filtered findings, the test report, downloads.

Report files are served only from the run's own report folder (`.lockgate/reports/<run id>/`
under the served project, where `lockgate run` writes them), only under their fixed names, and
only when neither the folder nor the file leads elsewhere through a symlink or `..`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from lockgate.metrics.builds import TEST_FAILING, TestCounts, count_tests
from lockgate.model import Finding, FindingState, Run, Severity, StageResult, Status, TestCase
from lockgate.reports.interface import FormatName
from lockgate.reports.registry import FORMATS
from lockgate.testrun.junit import JUnitError, read_junit

MAX_FINDINGS = 1000  # findings listed at once (the filters narrow them)
MAX_PASSED = 500  # passing tests listed after every failing one
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_OUTCOME_ORDER = {"failed": 0, "error": 1, "skipped": 2, "passed": 3}
_STATE_ORDER = {s: i for i, s in enumerate(FindingState)}


@dataclass(frozen=True)
class Download:
    fmt: str  # the FormatName value, the last part of its URL
    label: str
    filename: str
    media_type: str
    size: int


DOWNLOADS: dict[str, tuple[str, str]] = {  # fmt -> label, media type
    FormatName.SARIF.value: ("SARIF 2.1.0", "application/sarif+json"),
    FormatName.JUNIT.value: ("JUnit XML", "application/xml"),
    FormatName.HTML.value: ("HTML report", "text/html; charset=utf-8"),
    FormatName.JSON.value: ("JSON results", "application/json"),
}


@dataclass(frozen=True)
class FindingFilter:
    stage: str | None = None
    severity: Severity | None = None

    def keeps(self, f: Finding) -> bool:
        return (self.stage is None or f.stage == self.stage) and (
            self.severity is None or f.severity is self.severity
        )

    @property
    def active(self) -> bool:
        return self.stage is not None or self.severity is not None


class BadFilter(ValueError):
    pass


@dataclass(frozen=True)
class TestReport:
    __test__ = False  # not a pytest class

    cases: tuple[TestCase, ...]  # failing first, then skipped, then passing (MAX_PASSED of them)
    counts: TestCounts | None  # None: the run ran no tests
    source: str  # where the cases come from, for people
    passed_left_out: int = 0


@dataclass(frozen=True)
class RunView:
    run: Run
    filter: FindingFilter
    findings: tuple[Finding, ...]  # the filter's, worst first, at most MAX_FINDINGS
    matched: int  # findings the filter keeps (before MAX_FINDINGS)
    total: int
    tests: TestReport
    downloads: tuple[Download, ...]
    folder: Path | None  # the run's report folder on this server


def parse_filter(query: Mapping[str, str], run: Run) -> FindingFilter:
    """`stage` and `severity` from the query ("" or absent: all); unknown values are BadFilter."""
    stage = query.get("stage") or None
    if stage is not None and stage not in {r.stage for r in run.results}:
        names = ", ".join(r.stage for r in run.results) or "none"
        raise BadFilter(f"run {run.id} has no stage named '{stage}' (its stages: {names})")
    raw = query.get("severity") or None
    if raw is None:
        return FindingFilter(stage, None)
    try:
        return FindingFilter(stage, Severity(raw))
    except ValueError:
        raise BadFilter(
            f"unknown severity '{raw}': use one of {', '.join(s.value for s in Severity)}"
        ) from None


def view(run: Run, wanted: FindingFilter, reports: Path) -> RunView:
    everything = [f for r in run.results for f in r.findings]
    order = {r.stage: i for i, r in enumerate(run.results)}
    kept = sorted(
        (f for f in everything if wanted.keeps(f)),
        key=lambda f: (-f.severity.rank, _STATE_ORDER[f.state], order.get(f.stage, len(order))),
    )
    folder = run_folder(reports, run.id)
    return RunView(
        run=run,
        filter=wanted,
        findings=tuple(kept[:MAX_FINDINGS]),
        matched=len(kept),
        total=len(everything),
        tests=test_report(run, folder),
        downloads=downloads(folder),
        folder=folder,
    )


def test_report(run: Run, folder: Path | None) -> TestReport:
    """The run's test cases as stored, else read from its JUnit report in the report folder."""
    stored = [c for r in run.results for c in r.test_cases]
    if stored:
        return _report(stored, count_tests(run.results), "stored with the run")
    for result in run.results:
        for junit in _junit_files(result, folder):
            try:
                cases = [case for case, _, _ in read_junit(junit)]
            except JUnitError:
                continue
            assert folder is not None
            where = junit.relative_to(folder.resolve()).as_posix()
            with_cases = (result.with_(test_cases=tuple(cases)),)
            return _report(cases, count_tests(with_cases), f"read from {where}")
    return _report([], count_tests(run.results), "no test cases recorded")


def _report(cases: list[TestCase], counts: TestCounts | None, source: str) -> TestReport:
    ordered = sorted(cases, key=lambda c: _OUTCOME_ORDER.get(c.outcome, 1))
    failing_or_skipped = [c for c in ordered if c.outcome != "passed"]
    passed = [c for c in ordered if c.outcome == "passed"]
    shown = failing_or_skipped + passed[:MAX_PASSED]
    return TestReport(tuple(shown), counts, source, max(0, len(passed) - MAX_PASSED))


def _junit_files(result: StageResult, folder: Path | None) -> list[Path]:
    """The stage's JUnit artifacts that lie inside the run's report folder (others are not read).

    An artifact is looked for where it was written and under the stage's artifact folder by its
    name (the report folder may have been copied from the machine that ran it)."""
    if folder is None or result.status is Status.SKIPPED:
        return []
    found: dict[Path, None] = {}
    for artifact in result.artifacts:
        path = Path(artifact)
        if not (path.name.endswith(".xml") and "junit" in path.name):
            continue
        for candidate in (path, folder / "artifacts" / result.stage / path.name):
            if candidate.is_absolute() and _inside(candidate, folder) and candidate.is_file():
                found[candidate.resolve()] = None
    return list(found)


def failing(case: TestCase) -> bool:
    return case.outcome in TEST_FAILING


def run_folder(reports: Path, run_id: str) -> Path | None:
    """`reports/<run_id>` when it is a real folder directly under `reports`, else None."""
    if not SAFE_ID.fullmatch(run_id) or run_id in (".", ".."):
        return None
    folder = reports / run_id
    try:
        if folder.is_symlink() or not folder.is_dir():
            return None
        if folder.resolve().parent != reports.resolve():
            return None
    except OSError:
        return None
    return folder


def report_file(reports: Path, run_id: str, fmt: str) -> tuple[Path, Download] | None:
    """The file of format `fmt` in the run's report folder, if it is a regular file there."""
    folder = run_folder(reports, run_id)
    if folder is None or fmt not in DOWNLOADS:
        return None
    for download in downloads(folder):
        if download.fmt == fmt:
            return folder / download.filename, download
    return None


def downloads(folder: Path | None) -> tuple[Download, ...]:
    if folder is None:
        return ()
    found = []
    for fmt, (label, media_type) in DOWNLOADS.items():
        name = FORMATS[fmt].filename
        path = folder / name
        try:
            if path.is_symlink() or not path.is_file() or not _inside(path, folder):
                continue
            size = path.stat().st_size
        except OSError:
            continue
        found.append(Download(fmt, label, name, media_type, size))
    return tuple(found)


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def safe_href(uri: str | None) -> str | None:
    """`uri` when it is an http(s) link (a finding's help link), else None: never javascript:."""
    if not uri:
        return None
    try:
        scheme = urlsplit(uri.strip()).scheme.lower()
    except ValueError:
        return None
    return uri.strip() if scheme in ("http", "https") else None

"""The public API: write_reports, render, the format registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.errors import ExitCode, LockgateError
from lockgate.model import Run
from lockgate.reports import (
    FORMATS,
    STEP_SUMMARY_ENV,
    FormatName,
    render,
    run_from_json,
    write_reports,
)

FILES = {
    "sarif": "lockgate.sarif",
    "junit": "junit.xml",
    "json": "results.json",
    "md": "summary.md",
    "html": "report.html",
}


def test_registry_matches_the_format_names() -> None:
    assert set(FORMATS) == {f.value for f in FormatName}
    for name, fmt in FORMATS.items():
        assert fmt.name == name
        assert fmt.filename == FILES[name]


def test_write_reports_writes_every_file(sample_run: Run, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "reports"
    written = write_reports(sample_run, out, env={})
    assert written == {name: out / filename for name, filename in FILES.items()}
    for name, path in written.items():
        assert path.read_text("utf-8") == render(sample_run, name)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES.values())  # no temp files left
    assert run_from_json(written["json"].read_text("utf-8")) == sample_run


def test_write_reports_appends_the_step_summary(sample_run: Run, tmp_path: Path) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n", "utf-8")
    env = {STEP_SUMMARY_ENV: str(summary)}
    write_reports(sample_run, tmp_path / "a", env=env)
    write_reports(sample_run, tmp_path / "b", env=env)
    text = summary.read_text("utf-8")
    assert text.startswith("earlier step\n## ❌ lockgate FAILED")
    assert text.count("## ❌ lockgate FAILED") == 2


def test_hostile_run_is_written_without_error(hostile_run: Run, tmp_path: Path) -> None:
    written = write_reports(hostile_run, tmp_path, env={})
    assert all(path.stat().st_size > 0 for path in written.values())


def test_unwritable_report_dir_is_a_user_error(sample_run: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", "utf-8")
    with pytest.raises(LockgateError) as info:
        write_reports(sample_run, blocker / "reports", env={})
    assert info.value.exit_code is ExitCode.BAD_INPUT
    assert info.value.where == str(blocker / "reports")
    assert info.value.hint and "writable" in info.value.hint


def test_unwritable_report_file_is_a_user_error(sample_run: Run, tmp_path: Path) -> None:
    (tmp_path / "junit.xml").mkdir()  # a directory where the file should go
    with pytest.raises(LockgateError) as info:
        write_reports(sample_run, tmp_path, env={})
    assert info.value.where == str(tmp_path / "junit.xml")
    assert not list(tmp_path.glob(".*.tmp"))


def test_unwritable_step_summary_is_a_user_error(sample_run: Run, tmp_path: Path) -> None:
    with pytest.raises(LockgateError) as info:
        write_reports(sample_run, tmp_path / "r", env={STEP_SUMMARY_ENV: str(tmp_path)})
    assert info.value.where == str(tmp_path)
    assert STEP_SUMMARY_ENV in info.value.message


def test_unknown_format_suggests_the_closest(sample_run: Run) -> None:
    with pytest.raises(LockgateError) as info:
        render(sample_run, "sarf")
    assert info.value.exit_code is ExitCode.BAD_INPUT
    assert info.value.hint is not None and "did you mean 'sarif'?" in info.value.hint

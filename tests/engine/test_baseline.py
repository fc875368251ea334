"""The committed baseline file: what `lockgate baseline update` writes and what a run reads back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from lockgate.engine.baseline import BASELINE_FILE, load_file, write_file
from lockgate.errors import LockgateError
from lockgate.model import Finding, Run, RunStatus, Severity, StageResult, Status


def result(stage: str, *fps: str, status: Status = Status.FAILED) -> StageResult:
    findings = tuple(
        Finding(
            stage=stage, tool="t", rule_id="R1", message="m", severity=Severity.HIGH, fingerprint=fp
        )
        for fp in fps
    )
    return StageResult(stage=stage, status=status, findings=findings)


def run(*results: StageResult) -> Run:
    started = datetime(2026, 1, 1, tzinfo=UTC)
    return Run(id="r1", project="p", started=started, status=RunStatus.FAILED, results=results)


def known(project: Path) -> dict[str, set[str]]:
    baseline = load_file(project)
    assert baseline is not None
    return {stage: set(fps) for stage, fps in baseline.known.items()}


def test_update_round_trips(tmp_path: Path) -> None:
    write_file(tmp_path, run(result("lint", "a", "b"), result("sast", "c")))
    assert known(tmp_path) == {"lint": {"a", "b"}, "sast": {"c"}}


def test_a_partial_run_keeps_what_other_stages_accepted_before(tmp_path: Path) -> None:
    write_file(tmp_path, run(result("lint", "a"), result("sast", "c")))
    write_file(tmp_path, run(result("lint", "b")))  # e.g. `lockgate run --only lint`
    assert known(tmp_path) == {"lint": {"b"}, "sast": {"c"}}


@pytest.mark.parametrize("status", [Status.SKIPPED, Status.ERROR])
def test_a_stage_that_did_not_check_keeps_its_entries(tmp_path: Path, status: Status) -> None:
    write_file(tmp_path, run(result("sast", "c")))
    write_file(tmp_path, run(result("sast", status=status), result("lint", "a")))
    assert known(tmp_path) == {"lint": {"a"}, "sast": {"c"}}


def test_a_broken_file_is_regenerated(tmp_path: Path) -> None:
    (tmp_path / BASELINE_FILE).parent.mkdir()
    (tmp_path / BASELINE_FILE).write_text("{not json")
    with pytest.raises(LockgateError):
        load_file(tmp_path)
    write_file(tmp_path, run(result("lint", "a")))
    assert known(tmp_path) == {"lint": {"a"}}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[1, 2]", '"schema_version" and "stages"'),
        ('{"schema_version": 9, "stages": {}}', "schema_version 9 is not 1"),
        ('{"schema_version": 1, "stages": []}', '"stages" must map'),
        ('{"schema_version": 1, "stages": {"lint": "abc"}}', '"stages.lint" must be a list'),
        ('{"schema_version": 1, "stages": {"lint": [{"fp": 1}]}}', '"stages.lint" must be a list'),
        (b"\xff\xfe", "not valid"),
    ],
)
def test_a_malformed_file_is_a_clear_error(tmp_path: Path, text: str | bytes, says: str) -> None:
    path = tmp_path / BASELINE_FILE
    path.parent.mkdir()
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(LockgateError) as caught:
        load_file(tmp_path)
    assert says in str(caught.value) and caught.value.where == str(BASELINE_FILE)

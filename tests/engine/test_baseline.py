"""The committed baseline file: what `lockgate baseline update` writes and what a run reads back."""

from __future__ import annotations

import json
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


# --- bad input: a clear error naming the file, never "no baseline" and never a crash -------------


def test_a_symlink_loop_is_an_error_not_a_missing_baseline(tmp_path: Path) -> None:
    path = tmp_path / BASELINE_FILE
    path.parent.mkdir()
    path.symlink_to(path.name)  # baseline.json -> baseline.json
    with pytest.raises(LockgateError, match="symbolic links") as caught:
        load_file(tmp_path)
    assert caught.value.where == str(BASELINE_FILE)


def test_a_link_to_a_missing_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / BASELINE_FILE
    path.parent.mkdir()
    path.symlink_to(tmp_path / "gone.json")
    with pytest.raises(LockgateError, match="cannot be read"):
        load_file(tmp_path)


@pytest.mark.parametrize("opener", ["[", '{"a": '])
def test_deep_nesting_is_a_clear_error(tmp_path: Path, opener: str) -> None:
    path = tmp_path / BASELINE_FILE
    path.parent.mkdir()
    path.write_text(opener * 100_000)
    with pytest.raises(LockgateError, match="nested") as caught:
        load_file(tmp_path)
    assert caught.value.where == str(BASELINE_FILE)


def test_a_folder_at_the_path_is_an_error(tmp_path: Path) -> None:
    (tmp_path / BASELINE_FILE).mkdir(parents=True)
    with pytest.raises(LockgateError, match="cannot be read"):
        load_file(tmp_path)


@pytest.mark.parametrize(
    ("stages", "says"),
    [
        ({"\x1b[2J" + "x" * 500: "abc"}, '"stages.\\x1b[2Jxxx'),
        ({"lint": 7}, '"stages.lint" must be a list'),
    ],
)
def test_messages_quote_the_file_short_and_inert(
    tmp_path: Path, stages: dict[str, object], says: str
) -> None:
    path = tmp_path / BASELINE_FILE
    path.parent.mkdir()
    path.write_text(json.dumps({"schema_version": 1, "stages": stages}))
    with pytest.raises(LockgateError) as caught:
        load_file(tmp_path)
    assert says in caught.value.message and "\x1b" not in caught.value.message
    assert len(caught.value.message) < 200


def test_a_number_too_long_for_python_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / BASELINE_FILE
    path.parent.mkdir()
    path.write_text('{"schema_version": ' + "9" * 5000 + ', "stages": {}}')
    with pytest.raises(LockgateError, match="not valid"):
        load_file(tmp_path)


def test_update_replaces_a_symlink_and_never_writes_through_it(tmp_path: Path) -> None:
    elsewhere = tmp_path / "precious.txt"
    elsewhere.write_text("keep me\n")
    path = tmp_path / "p" / BASELINE_FILE
    path.parent.mkdir(parents=True)
    path.symlink_to(elsewhere)
    write_file(tmp_path / "p", run(result("lint", "a")))
    assert elsewhere.read_text() == "keep me\n"
    assert not path.is_symlink() and known(tmp_path / "p") == {"lint": {"a"}}


def test_update_over_a_symlink_loop_works(tmp_path: Path) -> None:
    path = tmp_path / BASELINE_FILE
    path.parent.mkdir()
    path.symlink_to(path.name)
    write_file(tmp_path, run(result("lint", "a")))
    assert known(tmp_path) == {"lint": {"a"}}


def test_update_where_it_cannot_write_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / ".lockgate").write_text("a file, not the folder")
    with pytest.raises(LockgateError, match="cannot write the baseline") as caught:
        write_file(tmp_path, run(result("lint", "a")))
    assert caught.value.where == str(BASELINE_FILE)

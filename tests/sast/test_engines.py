"""The SAST engine adapters on their own: checkov's input staging and its findings' identity."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.tools import proc


def test_checkov_sees_from_lines_with_their_build_arg_defaults() -> None:
    from lockgate.sast.checkov import resolve_from_args

    text = "ARG BASE=registry.local/py:3.11\nFROM ${BASE} AS build\nRUN true\nFROM $BASE\nFROM ${UNSET}\n"
    out = resolve_from_args(text).splitlines()
    assert out == [
        "ARG BASE=registry.local/py:3.11",
        "FROM registry.local/py:3.11 AS build",
        "RUN true",
        "FROM registry.local/py:3.11",
        "FROM ${UNSET}",
    ]


@pytest.mark.skipif(
    proc.which("checkov") is None, reason="checkov is installed by scripts/bootstrap"
)
def test_checkov_whole_block_findings_keep_their_fingerprint_when_the_block_is_edited(
    tmp_path: Path,
) -> None:
    from lockgate.sast import checkov

    project = tmp_path / "p"
    project.mkdir()
    bucket = 'resource "aws_s3_bucket" "b" {{\n  bucket = "b"\n{extra}  acl = "public-read"\n}}\n'
    (project / "main.tf").write_text(bucket.format(extra=""))
    (project / "Containerfile").write_text("FROM debian:12\nRUN true\n")

    def prints(out: str) -> dict[tuple[str, str], str]:
        (tmp_path / out).mkdir()
        found = checkov.run(project, ["main.tf", "Containerfile"], tmp_path / out, 300, []).findings
        return {(f.rule_id, f.location.path): f.fingerprint for f in found}

    before = prints("a")
    (project / "main.tf").write_text("# storage\n" + bucket.format(extra='  tags = { a = "b" }\n'))
    (project / "Containerfile").write_text("# base\nFROM debian:12\nRUN true\nRUN echo more\n")
    after = prints("b")
    assert ("CKV_DOCKER_2", "Containerfile") in before  # no HEALTHCHECK: a whole-file check
    assert ("CKV_AWS_20", "main.tf") in before  # public-read ACL: a whole-resource check
    assert before == after
    assert not (tmp_path / "b" / "checkov-input").exists()


@pytest.mark.skipif(
    proc.which("checkov") is None, reason="checkov is installed by scripts/bootstrap"
)
def test_checkov_names_a_terraform_file_it_could_not_parse(tmp_path: Path) -> None:
    from lockgate.sast import checkov

    project = tmp_path / "p"
    project.mkdir()
    (project / "bad.tf").write_text('resource "aws_s3_bucket" "b" {\n')
    (tmp_path / "out").mkdir()
    result = checkov.run(project, ["bad.tf"], tmp_path / "out", 300, [])
    assert [(path, why) for path, _, why in result.problems] == [
        ("bad.tf", "checkov could not parse this file")
    ]


@pytest.mark.skipif(proc.which("bandit") is None, reason="bandit is installed by scripts/bootstrap")
def test_bandit_names_a_python_file_it_could_not_parse_by_its_project_path(tmp_path: Path) -> None:
    from lockgate.sast import bandit

    project = tmp_path / "p"
    project.mkdir()
    (project / "bad.py").write_text("def broken(:\n")
    (tmp_path / "out").mkdir()
    result = bandit.run(project, ["bad.py"], tmp_path / "out", 300)
    assert [path for path, _, _ in result.problems] == ["bad.py"]


NOISY_BUT_SAFE = """import subprocess

DEFAULT_PASSWORD = "hunter22"


def table_rows(cursor, table):
    cursor.execute("SELECT * FROM %s" % table)
    try:
        return subprocess.run(["ls"], check=False)
    except Exception:
        pass
"""


@pytest.mark.skipif(proc.which("bandit") is None, reason="bandit is installed by scripts/bootstrap")
def test_bandit_by_default_leaves_lockgates_own_checks_out_and_shows_its_low_checks_as_info(
    tmp_path: Path,
) -> None:
    from lockgate.model import Severity
    from lockgate.stages.sast import SastStage
    from tests.testing.harness import run_stage

    project = tmp_path / "p"
    project.mkdir()
    (project / "app.py").write_text(NOISY_BUT_SAFE)

    default = run_stage(SastStage, project, tmp_path / "a", engines=["bandit"])
    rules = {f.rule_id: f.severity for f in default.findings}
    assert "bandit.B105" not in rules and "bandit.B608" not in rules  # the secrets gate, own rule
    assert rules["bandit.B404"] is Severity.INFO  # import subprocess: shown, never failing
    assert rules["bandit.B110"] is Severity.INFO

    loud = run_stage(
        SastStage, project, tmp_path / "b", engines=["bandit"], bandit_skips=[], bandit_low="low"
    )
    rules = {f.rule_id: f.severity for f in loud.findings}
    assert rules["bandit.B105"] is Severity.LOW and rules["bandit.B404"] is Severity.LOW
    assert rules["bandit.B608"] is Severity.MEDIUM

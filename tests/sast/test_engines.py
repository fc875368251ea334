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

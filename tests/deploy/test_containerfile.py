"""Containerfiles: lockgate's own lint rules (should-flag / should-not-flag), hadolint, stack templates."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lockgate.deploy.containerfile import (
    detect_stack,
    find_or_generate,
    lint,
    lint_builtin,
    parse,
)
from lockgate.errors import LockgateError
from lockgate.tools import proc
from tests.testing.harness import FIXTURES

GOOD_TAIL = 'USER app\nCMD ["run"]\n'

FLAG = [
    ("FROM debian:latest\n" + GOOD_TAIL, "latest-tag", 1),
    ("FROM debian\n" + GOOD_TAIL, "latest-tag", 1),
    ("ARG BASE=python:latest\nFROM ${BASE}\n" + GOOD_TAIL, "latest-tag", 2),
    ('FROM debian:12.8\nCMD ["run"]\n', "root-user", 1),
    ("FROM debian:12.8\nUSER root\n", "root-user", 2),
    ("FROM debian:12.8\nUSER 0:0\n", "root-user", 2),
    ("FROM debian:12.8\nADD https://example.invalid/x.tgz /x\n" + GOOD_TAIL, "add-url", 2),
    ("FROM debian:12.8\nENV DB_PASSWORD=hunter2\n" + GOOD_TAIL, "secret-in-env", 2),
    ("FROM debian:12.8\nENV API_KEY abc\n" + GOOD_TAIL, "secret-in-env", 2),
    ("FROM debian:12.8\nARG GITHUB_TOKEN=abc\n" + GOOD_TAIL, "secret-in-env", 2),
    ("FROM debian:12.8\nENV A=1 \\\n    SECRET_KEY=x\n" + GOOD_TAIL, "secret-in-env", 2),
]

CLEAN = [
    "FROM debian:12.8\n" + GOOD_TAIL,
    "FROM debian@sha256:" + "a" * 64 + "\n" + GOOD_TAIL,
    "ARG BASE=python:3.12.8-slim\nFROM ${BASE}\n" + GOOD_TAIL,
    "FROM scratch\nUSER 1000\n",
    "FROM debian:12.8 AS build\nRUN make\nFROM build\n" + GOOD_TAIL,
    "FROM debian:12.8\nADD vendored.tar.gz /opt/\n" + GOOD_TAIL,
    "FROM debian:12.8\nARG GITHUB_TOKEN\nENV TOKEN_FILE_PATH=\n" + GOOD_TAIL,
    "FROM debian:12.8\n# ENV PASSWORD=commented-out\n" + GOOD_TAIL,
]


@pytest.mark.parametrize(("text", "rule", "line"), FLAG)
def test_builtin_rules_flag(text: str, rule: str, line: int) -> None:
    found = [(f.rule, f.line) for f in lint_builtin(text)]
    assert (rule, line) in found


@pytest.mark.parametrize("text", CLEAN)
def test_builtin_rules_do_not_flag(text: str) -> None:
    assert lint_builtin(text) == []


def test_parse_joins_continuations_and_keeps_the_first_line() -> None:
    instrs = parse("FROM a:1\n\nRUN apt-get update \\\n  # comment\n  && echo hi\nUSER x\n")
    assert [(i.line, i.keyword) for i in instrs] == [(1, "FROM"), (3, "RUN"), (6, "USER")]
    assert "echo hi" in instrs[1].args


def test_builtin_lint_of_the_fault_fixture(tmp_path: Path) -> None:
    found, tool = lint(FIXTURES / "deploy/lint-faults/Containerfile", use_hadolint=False)
    assert tool == "lockgate"
    assert {(f.rule, f.line) for f in found} == {
        ("latest-tag", 1),
        ("secret-in-env", 2),
        ("secret-in-env", 3),
        ("add-url", 4),
        ("root-user", 1),
    }


@pytest.mark.skipif(proc.which("hadolint") is None, reason="hadolint not installed (bootstrap)")
def test_hadolint_findings_have_codes_and_lines() -> None:
    found, tool = lint(FIXTURES / "deploy/lint-faults/Containerfile")
    assert tool.startswith("hadolint 2.15.1")
    rules = {(f.rule, f.line) for f in found}
    assert ("DL3007", 1) in rules  # latest tag
    assert ("DL3064", 3) in rules  # a secret in ENV
    assert ("add-url", 4) in rules  # lockgate's rules where hadolint has none
    assert ("root-user", 1) in rules
    assert ("latest-tag", 1) not in rules  # hadolint's DL3007 says it already


@pytest.mark.parametrize(
    ("name", "stack"),
    [
        ("python-stack", "python"),
        ("node-stack", "node"),
        ("dotnet-stack", "dotnet"),
        ("no-stack", None),
    ],
)
def test_detect_stack(name: str, stack: str | None) -> None:
    assert detect_stack(FIXTURES / "deploy" / name) == stack


@pytest.mark.parametrize("name", ["python-stack", "node-stack", "dotnet-stack"])
def test_generated_containerfiles_pass_the_builtin_rules(name: str, tmp_path: Path) -> None:
    src = find_or_generate(
        FIXTURES / "deploy" / name,
        tmp_path,
        file="",
        base_image="",
        port=8080,
        health_path="/healthz",
    )
    assert src.generated and src.path.parent == tmp_path
    text = src.path.read_text()
    assert lint_builtin(text) == []
    assert "HEALTHCHECK" in text and "8080" in text and "/healthz" in text
    assert "USER " in text and "$" in text  # non-root user, ARG BASE_IMAGE


def test_configured_base_image_is_the_default_of_the_build_arg(tmp_path: Path) -> None:
    src = find_or_generate(
        FIXTURES / "deploy/python-stack",
        tmp_path,
        file="",
        base_image="localhost/lockgate-python:bookworm",
        port=8000,
        health_path="/healthz",
    )
    assert "ARG BASE_IMAGE=localhost/lockgate-python:bookworm" in src.path.read_text()


def test_the_services_own_containerfile_wins(tmp_path: Path) -> None:
    project = shutil.copytree(FIXTURES / "deploy/python-stack", tmp_path / "p")
    (project / "Dockerfile").write_text("FROM x:1\n")
    src = find_or_generate(
        project, tmp_path / "out", file="", base_image="", port=1, health_path="/"
    )
    assert src.path == project / "Dockerfile" and not src.generated


def test_no_containerfile_and_unknown_stack_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(LockgateError) as err:
        find_or_generate(
            FIXTURES / "deploy/no-stack",
            tmp_path,
            file="",
            base_image="",
            port=8000,
            health_path="/",
        )
    assert "cannot tell the stack" in err.value.message
    assert "add a Containerfile" in (err.value.hint or "")


def test_a_configured_file_that_is_missing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LockgateError, match=r"container.file names deploy/Containerfile"):
        find_or_generate(
            FIXTURES / "deploy/python-stack",
            tmp_path,
            file="deploy/Containerfile",
            base_image="",
            port=8000,
            health_path="/",
        )


def _generate(project: Path, out: Path) -> Path:
    src = find_or_generate(project, out, file="", base_image="", port=8000, health_path="/h")
    return src.path


@pytest.mark.parametrize("marker", ["pyproject.toml", "setup.py"])
def test_a_packaged_python_project_without_requirements_installs_itself(
    marker: str, tmp_path: Path
) -> None:
    project = tmp_path / "svc"
    project.mkdir()
    (project / marker).write_text("")
    text = _generate(project, tmp_path / "out").read_text()
    assert "pip install ." in text
    assert "COPY  " not in text and "COPY ./" not in text  # no COPY of nothing
    assert lint_builtin(text) == []
    assert text.index("COPY --chown=10001:10001 . /app") < text.index("pip install .")


def test_a_generated_containerfile_gets_an_ignore_file_keeping_secrets_and_state_out(
    tmp_path: Path,
) -> None:
    project = tmp_path / "svc"
    shutil.copytree(FIXTURES / "deploy" / "python-stack", project)
    src = find_or_generate(
        project, tmp_path / "out", file="", base_image="", port=8000, health_path="/h"
    )
    assert src.ignore_file is not None
    ignored = src.ignore_file.read_text().split()
    for entry in (".lockgate", ".git", ".env", ".venv", "node_modules"):
        assert entry in ignored
    (project / ".dockerignore").write_text("secret-stuff\n")
    own = find_or_generate(
        project, tmp_path / "out2", file="", base_image="", port=8000, health_path="/h"
    )
    assert own.ignore_file is None  # the project's own ignore file applies


def test_a_node_project_without_a_lock_file_still_installs(tmp_path: Path) -> None:
    project = tmp_path / "svc"
    shutil.copytree(FIXTURES / "deploy" / "node-stack", project)
    unlocked = _generate(project, tmp_path / "a").read_text()
    assert "npm ci" not in unlocked  # npm ci fails without package-lock.json
    assert "npm install --omit=dev" in unlocked
    (project / "package-lock.json").write_text("{}")
    assert "npm ci --omit=dev" in _generate(project, tmp_path / "b").read_text()


def test_the_default_ignore_file_keeps_a_node_apps_bin_folder(tmp_path: Path) -> None:
    node = find_or_generate(
        FIXTURES / "deploy" / "node-stack",
        tmp_path / "n",
        file="",
        base_image="",
        port=1,
        health_path="/",
    )
    dotnet = find_or_generate(
        FIXTURES / "deploy" / "dotnet-stack",
        tmp_path / "d",
        file="",
        base_image="",
        port=1,
        health_path="/",
    )
    assert node.ignore_file is not None and dotnet.ignore_file is not None
    assert "bin" not in node.ignore_file.read_text().split()  # express starts from bin/www
    assert {"bin", "obj"} <= set(dotnet.ignore_file.read_text().split())

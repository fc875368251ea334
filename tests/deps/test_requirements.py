"""requirements files read as pip reads them: option lines, comments, continuations, includes, constraints."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.deps.model import SkipReason
from lockgate.deps.parsers import parse_file, parser_for


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


# (line in requirements.txt, packages checked as (name, version)) — pip installs exactly these
PIP_LINES = [
    ("-i https://index.example.invalid/simple\njinja2==2.10\n", {("jinja2", "2.10")}),
    ("--index-url=https://index.example.invalid/simple\njinja2==2.10\n", {("jinja2", "2.10")}),
    ("--extra-index-url https://x.example.invalid/s\njinja2==2.10\n", {("jinja2", "2.10")}),
    ("-f ./wheels\n--find-links=./more\njinja2==2.10\n", {("jinja2", "2.10")}),
    (
        "--trusted-host x.example.invalid\n--no-binary :all:\n--pre\njinja2==2.10\n",
        {("jinja2", "2.10")},
    ),
    ("--require-hashes\njinja2==2.10 --hash=sha256:aa --hash=sha256:bb\n", {("jinja2", "2.10")}),
    ("jinja2==2.10 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n", {("jinja2", "2.10")}),
    ("jinja2==2.10\t# pinned for the sandbox fix\n", {("jinja2", "2.10")}),
    ("jinja2==2.10 # comment\n  # indented comment\n", {("jinja2", "2.10")}),
    ('attrs==19.1.0 ; python_version < "3.8"\n', {("attrs", "19.1.0")}),
    ("attrs[tests]==19.1.0;python_version>='3'\n", {("attrs", "19.1.0")}),
    ("jin\\\nja2==2.10\n", {("jinja2", "2.10")}),
    ("--index-url\thttps://index.example.invalid/simple\njinja2==2.10\n", {("jinja2", "2.10")}),
]


@pytest.mark.parametrize(("text", "expected"), PIP_LINES)
def test_pip_option_lines_are_options_not_packages(
    tmp_path: Path, text: str, expected: set[tuple[str, str]]
) -> None:
    write(tmp_path, {"requirements.txt": text})
    result = parse_file(tmp_path, "requirements.txt")
    assert {(d.name, d.version) for d in result.dependencies} == expected
    assert result.skipped == () and result.problems == ()


def test_includes_are_followed_relative_to_the_including_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements/dev.txt": "-r base.txt\n--requirement=../extra/more.txt\npytest==7.0.0\n",
            "requirements/base.txt": "jinja2==2.10\n-rnested/deep.txt\n",
            "requirements/nested/deep.txt": "urllib3==1.26.4\n",
            "extra/more.txt": "flask==0.12.2\n",
        },
    )
    result = parse_file(tmp_path, "requirements/dev.txt")
    assert {(d.name, d.source_file, d.line) for d in result.dependencies} == {
        ("pytest", "requirements/dev.txt", 3),
        ("jinja2", "requirements/base.txt", 1),
        ("urllib3", "requirements/nested/deep.txt", 1),
        ("flask", "extra/more.txt", 1),
    }
    assert not result.problems


def test_include_cycles_missing_files_and_urls_are_problems_with_the_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "jinja2==2.10\n-r other.txt\n-r missing.txt\n"
            "-r https://example.invalid/r.txt\n-r ../../outside.txt\n",
            "other.txt": "flask==0.12.2\n-r requirements.txt\n",
        },
    )
    result = parse_file(tmp_path, "requirements.txt")
    assert {d.name for d in result.dependencies} == {"jinja2", "flask"}
    problems = {(p.path, p.line): p for p in result.problems}
    assert set(problems) == {
        ("other.txt", 2),
        ("requirements.txt", 3),
        ("requirements.txt", 4),
        ("requirements.txt", 5),
    }
    assert "requirements.txt -> other.txt -> requirements.txt" in problems[("other.txt", 2)].reason
    assert "does not exist" in problems[("requirements.txt", 3)].reason
    assert "does not download" in problems[("requirements.txt", 4)].reason
    assert "outside the project" in problems[("requirements.txt", 5)].reason


def test_constraints_pin_what_the_requirements_leave_open(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "-c constraints.txt\nflask>=0.12\nrequests\n",
            "constraints.txt": "flask==0.12.2\nwerkzeug==0.15.0\n",
        },
    )
    result = parse_file(tmp_path, "requirements.txt")
    assert {(d.name, d.version, d.source_file, d.line, d.direct) for d in result.dependencies} == {
        ("flask", "0.12.2", "constraints.txt", 1, True),
        ("werkzeug", "0.15.0", "constraints.txt", 2, False),  # pulled in, pinned by the constraint
    }
    assert [(s.name, s.kind) for s in result.skipped] == [("requests", SkipReason.UNPINNED)]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("-e git+https://example.invalid/r.git#egg=internal", "internal"),
        ("git+https://example.invalid/r.git#egg=internal", "internal"),
        ("internal @ https://example.invalid/internal-1.0.tar.gz", "internal"),
        ("./vendor/internal", "./vendor/internal"),
        ("internal-1.0-py3-none-any.whl", "internal-1.0-py3-none-any.whl"),
    ],
)
def test_urls_and_paths_are_not_registry_releases(tmp_path: Path, line: str, name: str) -> None:
    write(tmp_path, {"requirements.txt": line + "\n"})
    result = parse_file(tmp_path, "requirements.txt")
    assert result.dependencies == ()
    assert [(s.name, s.kind) for s in result.skipped] == [(name, SkipReason.NOT_REGISTRY)]


def test_an_unknown_option_is_a_problem_as_it_is_for_pip(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "jinja2==2.10\n--frobnicate yes\n"})
    result = parse_file(tmp_path, "requirements.txt")
    assert [d.name for d in result.dependencies] == ["jinja2"]
    assert [(p.line, "unknown pip option" in p.reason) for p in result.problems] == [(2, True)]


def test_a_version_pip_accepts_but_pep_440_does_not_is_unchecked(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "Django===2.2.4-corp1\njinja2==2.10\n"})
    result = parse_file(tmp_path, "requirements.txt")
    assert [d.name for d in result.dependencies] == ["jinja2"]
    (bad,) = result.skipped
    assert (bad.name, bad.kind, bad.line) == ("Django", SkipReason.BAD_VERSION, 1)
    assert "PEP 440" in bad.reason


@pytest.mark.parametrize(
    "rel",
    [
        "dev-requirements.txt",
        "test_requirements.txt",
        "requirements/prod.txt",
        "a/requirements/ci.txt",
    ],
)
def test_requirement_file_names(rel: str) -> None:
    assert parser_for(rel) is not None

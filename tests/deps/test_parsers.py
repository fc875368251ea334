"""Every lock-file format on the fixture tree, and broken inputs reported with file, line and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.deps.model import Ecosystem, SkipReason
from lockgate.deps.parsers import parse_file, parser_for
from tests.testing.harness import FIXTURES

POLY = FIXTURES / "deps" / "polyglot"


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("py-req/requirements.txt", {("jinja2", "2.10", 2, True), ("urllib3", "1.26.4", 4, True)}),
        (
            "py-poetry/poetry.lock",
            {("flask", "0.12.2", 4, True), ("werkzeug", "0.15.0", 11, False)},
        ),
        ("py-uv/uv.lock", {("django", "3.2.0", 5, True), ("sqlparse", "0.4.1", 21, False)}),
        ("py-pipenv/Pipfile.lock", {("pyyaml", "5.3", 8, True), ("pillow", "10.4.0", 15, False)}),
        (
            "node-v1/package-lock.json",
            {
                ("lodash", "4.17.15", 7, True),
                ("mkdirp", "0.5.1", 11, True),
                ("minimist", "0.0.8", 15, False),
            },
        ),
        (
            "node-v3/package-lock.json",
            {
                ("body-parser", "1.20.1", 14, False),
                ("express", "4.18.2", 17, True),
                ("qs", "6.5.2", 20, False),
            },
        ),
        ("yarn-v1/yarn.lock", {("@types/node", "20.11.0", 5, True), ("jquery", "3.4.1", 9, True)}),
        ("yarn-berry/yarn.lock", {("axios", "1.5.0", 8, True), ("semver", "7.5.1", 21, False)}),
        (
            "dotnet-lock/packages.lock.json",
            {("Newtonsoft.Json", "12.0.3", 5, True), ("System.Text.Json", "8.0.0", 11, False)},
        ),
        (
            "dotnet-csproj/App.csproj",
            {
                ("System.Data.SqlClient", "4.8.5", 6, True),
                ("Microsoft.IdentityModel.JsonWebTokens", "6.20.0", 7, True),
            },
        ),
        (
            "ruby/Gemfile.lock",
            {
                ("actionpack", "7.0.4", 10, True),
                ("nokogiri", "1.13.3", 12, True),
                ("rack", "2.2.8", 13, False),
            },
        ),
    ],
)
def test_lock_files(rel: str, expected: set) -> None:
    result = parse_file(POLY, rel)
    assert {(d.name, d.version, d.line, d.direct) for d in result.dependencies} == expected
    assert all(d.source_file == rel for d in result.dependencies)
    assert not result.problems


@pytest.mark.parametrize(
    ("rel", "skipped"),
    [
        ("py-req/requirements.txt", {"requests", "./local-package"}),
        ("yarn-berry/yarn.lock", set()),  # the workspace entry is the project, not a package
        ("dotnet-csproj/App.csproj", {"Serilog", "(what these pull in)"}),
        ("ruby/Gemfile.lock", {"internal-gem"}),
    ],
)
def test_unpinned_and_non_registry_packages_are_skipped_values(rel: str, skipped: set) -> None:
    result = parse_file(POLY, rel)
    assert {s.name for s in result.skipped} == skipped
    assert all(s.reason and s.line for s in result.skipped if s.kind is not SkipReason.NO_LOCK)


def test_manifests_beside_a_lock_file_defer_to_it() -> None:
    assert parse_file(POLY, "py-poetry/pyproject.toml").dependencies == ()
    assert parse_file(POLY, "py-uv/pyproject.toml").skipped == ()


def test_pyproject_without_lock_checks_pins_and_skips_ranges(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = [\n  "jinja2==2.10",\n  "flask>=2",\n]\n'
    )
    result = parse_file(tmp_path, "pyproject.toml")
    assert [(d.name, d.version, d.line) for d in result.dependencies] == [("jinja2", "2.10", 4)]
    assert [(s.name, s.line, s.kind) for s in result.skipped] == [
        ("flask", 5, SkipReason.UNPINNED),
        ("(what these pull in)", None, SkipReason.NO_LOCK),
    ]
    assert result.skipped[0].reason == ">=2" and "lock file" in result.skipped[1].reason


def test_ecosystems() -> None:
    assert parse_file(POLY, "ruby/Gemfile.lock").dependencies[0].ecosystem is Ecosystem.RUBYGEMS
    assert parse_file(POLY, "yarn-v1/yarn.lock").dependencies[0].ecosystem is Ecosystem.NPM
    assert parser_for("src/app/requirements-dev.txt") is not None
    assert parser_for("requirements/base.txt") is not None
    assert parser_for("docs/notes.txt") is None


@pytest.mark.parametrize(
    ("name", "content", "line", "words"),
    [
        ("package-lock.json", b'{\n  "packages": {\n    "x": \n}', 4, "invalid JSON"),
        ("poetry.lock", b'[[package]]\nname = "a"\nversion = \n', 3, "invalid TOML"),
        ("yarn.lock", b"# yarn lockfile v1\n\nthis is not yarn\n", 3, "unexpected line"),
        (  # cut off, or hand-edited: a block without its version is not silently dropped
            "yarn.lock",
            b'# yarn lockfile v1\n\nlodash@^4.17.0:\n  resolved "https://r/l.tgz"\n',
            3,
            "has no version",
        ),
        ("App.csproj", b"<Project>\n  <ItemGroup>\n</Project>\n", 3, "invalid XML"),
        (
            "Gemfile.lock",
            b"GEM\n  remote: https://gems.example.invalid/\n  specs:\n    rack (2.2.3)\n    nokogiri (\n",
            5,
            "unexpected gem line",
        ),
        ("packages.lock.json", b"\x00\x01\x02binary", None, "binary"),
        ("requirements.txt", b"jinja2==2.10\nnot a [valid requirement\n", 2, "not a requirement"),
        ("Pipfile.lock", b"caf\xe9\n", 1, "UTF-8"),
    ],
)
def test_broken_files_become_problems_with_line_and_fix(
    tmp_path: Path, name: str, content: bytes, line: int | None, words: str
) -> None:
    (tmp_path / name).write_bytes(content)
    result = parse_file(tmp_path, name)
    assert len(result.problems) == 1, result
    problem = result.problems[0]
    assert problem.path == name and problem.line == line
    assert words in problem.reason and problem.fix

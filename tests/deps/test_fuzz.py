"""Fuzzing every lock-file and manifest parser: whatever the bytes, `parse_file` returns packages,
skipped items or a FileProblem, and never raises; what it returns is safe to match and report."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lockgate.deps import sbom, versions
from lockgate.deps.model import (
    Dependency,
    Ecosystem,
    FileProblem,
    ParseResult,
    SkippedDependency,
    SkipReason,
)
from lockgate.deps.parsers import PARSERS, parse_file, parser_for
from tests.deps.test_manifests import PDM_LOCK, PNPM_V9
from tests.deps.test_sources import NPM_V3, POETRY, UV, YARN_BERRY, YARN_V1
from tests.testing.harness import FIXTURES

POLY = FIXTURES / "deps" / "polyglot"
FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# one file name per parser pattern, and a valid example of its content to mutate
SEEDS: dict[str, str] = {
    "requirements.txt": (POLY / "py-req" / "requirements.txt").read_text()
    + "-r requirements/dev.txt\n-c constraints.txt\n-i https://x.invalid\nflask>=1 --hash=sha256:0\n",
    "requirements/dev.txt": "-r ../requirements.txt\npytest==7.0.0\n",
    "pyproject.toml": '[project]\nname = "x"\ndependencies = ["jinja2==2.10", "flask>=2"]\n'
    '[dependency-groups]\ndev = ["pytest==7.0.0"]\n[tool.poetry.dependencies]\nrequests = "2.19.0"\n',
    "poetry.lock": POETRY,
    "uv.lock": UV,
    "pdm.lock": PDM_LOCK,
    "Pipfile": '[packages]\nflask = "==0.12.2"\nrequests = "*"\n',
    "Pipfile.lock": (POLY / "py-pipenv" / "Pipfile.lock").read_text(),
    "package.json": '{"dependencies": {"lodash": "4.17.15", "x": "npm:node-fetch@3.1.0"}}',
    "package-lock.json": json.dumps(NPM_V3, indent=2),
    "npm-shrinkwrap.json": (POLY / "node-v1" / "package-lock.json").read_text(),
    "yarn.lock": YARN_V1 + "\n" + YARN_BERRY,
    "pnpm-lock.yaml": PNPM_V9,
    "packages.lock.json": (POLY / "dotnet-lock" / "packages.lock.json").read_text(),
    "packages.config": '<packages><package id="A" version="1.0.0" /></packages>',
    "Directory.Packages.props": '<Project><ItemGroup><PackageVersion Include="A" Version="1.0" />'
    "</ItemGroup></Project>",
    "App.csproj": (POLY / "dotnet-csproj" / "App.csproj").read_text(),
    "App.fsproj": (POLY / "dotnet-csproj" / "App.csproj").read_text(),
    "App.vbproj": (POLY / "dotnet-csproj" / "App.csproj").read_text(),
    "Gemfile": 'gem "rails", "7.0.4"\ngem "x", git: "https://x.invalid"\ngemspec\n',
    "gems.rb": 'gem "rack"\n',
    "Gemfile.lock": (POLY / "ruby" / "Gemfile.lock").read_text(),
    "gems.locked": (POLY / "ruby" / "Gemfile.lock").read_text(),
    "dev-requirements.txt": "jinja2==2.10\n",
    "setup.py": 'from setuptools import setup\nsetup(install_requires=["django==2.2.4"])\n',
    "setup.cfg": "[options]\ninstall_requires =\n    flask==0.12\n",
}


def test_every_parser_has_a_seed() -> None:
    covered = {parser_for(name) for name in SEEDS}
    assert covered == {parser for _, parser in PARSERS}


def check(result: ParseResult) -> None:
    """What the stage relies on: right types, versions its ecosystem accepts, sane lines."""
    assert isinstance(result, ParseResult)
    for dep in result.dependencies:
        assert isinstance(dep, Dependency) and isinstance(dep.ecosystem, Ecosystem)
        assert isinstance(dep.name, str) and dep.name and isinstance(dep.version, str)
        assert versions.problem(dep.ecosystem, dep.version) is None
        assert dep.line is None or (isinstance(dep.line, int) and dep.line >= 1)
        dep.key  # noqa: B018 - must not raise
    for skip in result.skipped:
        assert isinstance(skip, SkippedDependency) and isinstance(skip.kind, SkipReason)
        assert isinstance(skip.name, str) and isinstance(skip.reason, str) and skip.reason
    for problem in result.problems:
        assert isinstance(problem, FileProblem) and problem.reason and problem.fix
    sbom.dumps(sbom.build("fuzz", result.dependencies))


def parse(root: Path, name: str, content: bytes) -> ParseResult:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return parse_file(root, name)


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> bytes:
    """The seed with a few random edits: deletions, insertions, duplicated or swapped slices."""
    text = seed
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        end = draw(st.integers(at, min(len(text), at + 40)))
        edit = draw(st.sampled_from(["delete", "insert", "duplicate", "number"]))
        if edit == "delete":
            text = text[:at] + text[end:]
        elif edit == "insert":
            text = text[:at] + draw(st.text(max_size=12)) + text[at:]
        elif edit == "duplicate":
            text = text[:end] + text[at:end] + text[end:]
        else:
            text = (
                text[:at]
                + draw(st.sampled_from(["9" * 4400, "-1", "1e9", "NaN", "~"]))
                + text[end:]
            )
    return text.encode("utf-8", "surrogatepass")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


def shaped(name: str) -> st.SearchStrategy[Any]:
    """JSON documents with the top-level keys of the format and random values under them."""
    entries = st.dictionaries(
        st.sampled_from(["node_modules/a", "", "node_modules/@s/b", "x"]), JSON
    )
    tables = {
        "package-lock.json": st.fixed_dictionaries({"lockfileVersion": JSON, "packages": entries}),
        "npm-shrinkwrap.json": st.fixed_dictionaries(
            {"dependencies": st.dictionaries(st.text(max_size=8), JSON)}
        ),
        "package.json": st.fixed_dictionaries(
            {"dependencies": st.dictionaries(st.text(max_size=8), JSON)}
        ),
        "Pipfile.lock": st.fixed_dictionaries(
            {"default": st.dictionaries(st.text(max_size=8), JSON)}
        ),
        "packages.lock.json": st.fixed_dictionaries(
            {
                "dependencies": st.dictionaries(
                    st.text(max_size=8), st.dictionaries(st.text(max_size=8), JSON)
                )
            }
        ),
    }
    return tables.get(name, JSON)


@pytest.mark.parametrize("name", sorted(SEEDS))
@FUZZ
@given(data=st.data())
def test_mutated_files_never_raise(tmp_path: Path, name: str, data: st.DataObject) -> None:
    check(parse(tmp_path, name, data.draw(mutated(SEEDS[name]))))


@pytest.mark.parametrize("name", sorted(SEEDS))
@FUZZ
@given(content=st.binary(max_size=600))
def test_arbitrary_bytes_never_raise(tmp_path: Path, name: str, content: bytes) -> None:
    check(parse(tmp_path, name, content))


@pytest.mark.parametrize(
    "name",
    [
        "package-lock.json",
        "npm-shrinkwrap.json",
        "package.json",
        "Pipfile.lock",
        "packages.lock.json",
    ],
)
@FUZZ
@given(data=st.data())
def test_json_of_any_shape_never_raises(tmp_path: Path, name: str, data: st.DataObject) -> None:
    document = data.draw(shaped(name))
    check(parse(tmp_path, name, json.dumps(document).encode()))


@FUZZ
@given(
    a=st.text(max_size=30) | st.sampled_from(["1" * 5000, "1.0.0-" + "9" * 5000]),
    b=st.text(max_size=30),
)
def test_version_comparison_raises_only_bad_version(a: str, b: str) -> None:
    for eco in Ecosystem:
        with contextlib.suppress(versions.BadVersion):
            versions.compare(eco, a, b)

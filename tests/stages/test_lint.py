"""The lint stage with the real ruff: the clean example, a faulty fixture, config, fingerprints, bad tools."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.lint.ruff import severity as ruff_severity
from lockgate.model import Finding, Severity, Status
from lockgate.stages.interface import StageContext
from lockgate.stages.lint import LintStage
from tests.testing.harness import (
    EXAMPLES,
    FIXTURES,
    copy_project,
    init_git,
    make_context,
    run_stage,
)

FAULTS = FIXTURES / "lint-faults"
EXAMPLE = EXAMPLES / "tenancy-api"


def by_rule(findings: tuple[Finding, ...]) -> dict[tuple[str, str], Finding]:
    return {(f.rule_id, f.location.path if f.location else ""): f for f in findings}


@pytest.fixture
def faults(tmp_path: Path) -> Path:
    return copy_project(FAULTS, tmp_path / "project")


def test_example_is_clean(tmp_path: Path) -> None:
    result = run_stage(LintStage, EXAMPLE, tmp_path)
    assert result.status is Status.PASSED, result.summary
    assert result.findings == ()
    assert {m.name: m.value for m in result.metrics}["files"] >= 10
    assert dict(result.tool_versions)["ruff"] == "0.17.6"


def test_faults_are_found_with_file_and_line(faults: Path, tmp_path: Path) -> None:
    result = run_stage(LintStage, faults, tmp_path)
    found = by_rule(result.findings)
    unused = found[("F401", "pkg/unused.py")]
    assert (unused.location.start_line, unused.location.start_col) == (3, 8)  # type: ignore[union-attr]
    assert unused.severity is Severity.MEDIUM
    assert unused.help_uri == "https://docs.astral.sh/ruff/rules/unused-import"
    assert unused.help_text and "ruff check --fix" in unused.help_text
    assert found[("B006", "pkg/bugbear.py")].location.start_line == 4  # type: ignore[union-attr]
    syntax = found[("invalid-syntax", "pkg/broken.py")]
    assert syntax.severity is Severity.HIGH and syntax.location.start_line == 4  # type: ignore[union-attr]
    fmt = found[("format", "pkg/messy.py")]
    assert fmt.severity is Severity.LOW and fmt.location.start_line == 3  # type: ignore[union-attr]
    assert result.status is Status.PASSED  # the gate, not the stage, fails on findings


def test_project_config_is_respected(faults: Path, tmp_path: Path) -> None:
    result = run_stage(LintStage, faults, tmp_path)
    paths = {f.location.path for f in result.findings if f.location}
    assert "pkg/allowed.py" not in paths  # E731 ignored by the fixture's pyproject.toml
    (faults / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["E7"]\n')
    again = run_stage(LintStage, faults, tmp_path / "again")
    assert ("E731", "pkg/allowed.py") in by_rule(again.findings)
    assert ("B006", "pkg/bugbear.py") not in by_rule(again.findings)


def test_syntax_error_is_reported_once(faults: Path, tmp_path: Path) -> None:
    result = run_stage(LintStage, faults, tmp_path)
    broken = [f for f in result.findings if f.location and f.location.path == "pkg/broken.py"]
    assert {f.rule_id for f in broken} == {"invalid-syntax"}  # ruff format's copy is dropped


def test_fingerprints_survive_lines_inserted_above(faults: Path, tmp_path: Path) -> None:
    before = by_rule(run_stage(LintStage, faults, tmp_path / "1").findings)
    for name in ("unused.py", "bugbear.py"):
        path = faults / "pkg" / name
        path.write_text("# one\n# two\n# three\n" + path.read_text())
    after = by_rule(run_stage(LintStage, faults, tmp_path / "2").findings)
    for key in (("F401", "pkg/unused.py"), ("B006", "pkg/bugbear.py")):
        assert after[key].fingerprint == before[key].fingerprint
        assert after[key].location.start_line == before[key].location.start_line + 3  # type: ignore[union-attr,operator]
    assert (
        before[("F401", "pkg/unused.py")].fingerprint
        != before[("B006", "pkg/bugbear.py")].fingerprint
    )


def test_format_option_and_paths_option(faults: Path, tmp_path: Path) -> None:
    no_format = run_stage(LintStage, faults, tmp_path / "1", format=False)
    assert "format" not in {f.rule_id for f in no_format.findings}
    only = run_stage(LintStage, faults, tmp_path / "2", paths=["pkg/unused.py", "./pkg/messy.py"])
    assert sorted(by_rule(only.findings)) == [("F401", "pkg/unused.py"), ("format", "pkg/messy.py")]


def test_no_python_files_is_skipped_with_reason(tmp_path: Path) -> None:
    project = tmp_path / "text-only"
    project.mkdir()
    (project / "NOTES.txt").write_text("nothing to lint\n")
    result = run_stage(LintStage, project, tmp_path)
    assert result.status is Status.SKIPPED
    assert "no " in result.summary and "Python" in result.summary and "YAML" in result.summary
    outside = run_stage(LintStage, FAULTS, tmp_path / "2", paths=["docs"])
    assert outside.status is Status.SKIPPED and "under docs" in outside.summary


def test_nothing_is_written_into_the_project(faults: Path, tmp_path: Path) -> None:
    before = sorted(p.relative_to(faults) for p in faults.rglob("*"))
    run_stage(LintStage, faults, tmp_path)
    assert sorted(p.relative_to(faults) for p in faults.rglob("*")) == before


def test_git_ignored_files_are_not_linted(tmp_path: Path) -> None:
    project = copy_project(FAULTS, tmp_path / "project")
    (project / ".gitignore").write_text("pkg/broken.py\n")
    init_git(project)
    result = run_stage(LintStage, project, tmp_path)
    assert "pkg/broken.py" not in {f.location.path for f in result.findings if f.location}


@pytest.mark.parametrize(
    ("rule", "severity"),
    [
        ("invalid-syntax", Severity.HIGH),
        ("E902", Severity.HIGH),
        ("F821", Severity.HIGH),
        ("F401", Severity.MEDIUM),
        ("B006", Severity.MEDIUM),
        ("S608", Severity.MEDIUM),
        ("E501", Severity.LOW),
        ("I001", Severity.LOW),
        ("format", Severity.LOW),
    ],
)
def test_severity_table(rule: str, severity: Severity) -> None:
    assert ruff_severity(rule) is severity


def _context(project: Path, tmp_path: Path) -> StageContext:
    return make_context(LintStage, project, tmp_path / "artifacts")


def test_missing_ruff_is_reported_with_hint(
    monkeypatch: pytest.MonkeyPatch, faults: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv("LOCKGATE_RUFF_BIN", str(tmp_path / "no-such-ruff"))
    (faults / "README.md").unlink()  # Python only: nothing at all could be checked
    why = LintStage().available(_context(faults, tmp_path))
    assert why is not None and "ruff is not installed" in why and "pip install ruff==" in why


def test_missing_ruff_beside_other_stacks_leaves_python_unchecked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LOCKGATE_RUFF_BIN", str(tmp_path / "no-such-ruff"))
    ctx = _context(FAULTS, tmp_path)
    assert LintStage().available(ctx) is None  # the Markdown can still be checked
    result = LintStage().run(ctx)
    assert result.status is Status.WARNED  # never PASSED with Python files unread
    assert {f.tool for f in result.findings} <= {"pymarkdown"}
    python = [u for u in result.unchecked if "Python" in u.what]
    assert [u.count for u in python] == [6, 6]  # ruff check and ruff format --check
    assert all("ruff is not installed" in u.reason and "ruff==" in u.fix for u in python)
    assert LintStage().cache_key(ctx) is None  # unchecked files are never cached as clean


def test_unreadable_linter_output_is_an_error_not_clean(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "ruff"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "ruff 9.9"; exit 0; fi\necho "not json"; exit 1\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("LOCKGATE_RUFF_BIN", str(fake))
    result = LintStage().run(_context(FAULTS, tmp_path))
    assert result.status is Status.ERROR
    assert "unreadable JSON" in result.summary and "not json" in result.summary


def test_cache_key_tracks_python_files_and_config(faults: Path, tmp_path: Path) -> None:
    ctx = _context(faults, tmp_path)
    stage = LintStage()
    key = stage.cache_key(ctx)
    (faults / "NOTES.txt").write_text("changed\n")  # no linter claims it
    assert stage.cache_key(ctx) == key
    (faults / "pkg" / "unused.py").write_text("import sys\n")
    changed = stage.cache_key(ctx)
    assert changed != key
    (faults / "pyproject.toml").write_text("[tool.ruff]\nline-length = 80\n")
    assert stage.cache_key(ctx) not in (key, changed)


HOSTILE_OUTPUT = r"""[
  {"code": "X1", "filename": "pkg/unused.py", "location": {"row": 3, "column": 1},
   "message": "red \u001b[31m text \u202e reversed", "url": "https://example.invalid/x1"},
  {"code": null, "filename": null, "location": {"row": "three"}, "end_location": [], "message": 7},
  {}
]"""


def test_hostile_linter_output_does_not_break_anything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "out.json").write_text(HOSTILE_OUTPUT)
    fake = tmp_path / "ruff"
    fake.write_text(
        f'#!/bin/sh\n[ "$1" = "--version" ] && echo "ruff 9.9" && exit 0\ncat {tmp_path}/out.json\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("LOCKGATE_RUFF_BIN", str(fake))
    result = LintStage().run(_context(FAULTS, tmp_path))
    assert result.status is Status.PASSED
    first = next(f for f in result.findings if f.rule_id == "X1")
    assert first.message == "red \\x1b[31m text \\u202e reversed"
    assert first.location is not None and first.location.start_line == 3
    odd = [f for f in result.findings if f.tool == "ruff" and f.rule_id != "X1"]
    assert len(odd) == 2 and all(f.location is None and f.rule_id == "unknown" for f in odd)


def test_broken_project_config_is_an_error_naming_the_file(faults: Path, tmp_path: Path) -> None:
    (faults / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = "not a list"\n')
    result = run_stage(LintStage, faults, tmp_path)
    assert result.status is Status.ERROR
    assert "pyproject.toml" in result.summary


def test_undecodable_file_is_one_high_finding_not_a_format_one(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "latin1.py").write_bytes(b'NAME = "caf\xe9"\n')
    result = run_stage(LintStage, project, tmp_path)
    assert [(f.rule_id, f.severity) for f in result.findings] == [("E902", Severity.HIGH)]


def test_run_only_lint_on_a_mixed_project(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from lockgate.cli.main import main

    monkeypatch.setenv("LOCKGATE_RUBOCOP_BIN", str(tmp_path / "no-rubocop"))
    root = tmp_path / "svc"
    files = {
        "app/main.py": "def f(x: int) -> int:\n    return x\n",
        "Containerfile": "FROM debian:bookworm-slim\nUSER 65534\n",
        "deploy/app.yaml": "name: svc\n",
        "Gemfile": "source 'https://rubygems.org'\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    assert main(["run", str(root), "--only", "lint"]) == 0  # passes WITH UNCHECKED, and says so
    [results] = (root / ".lockgate" / "reports").glob("*/results.json")
    [lint] = [s for s in json.loads(results.read_text())["results"] if s["stage"] == "lint"]
    assert lint["status"] == "warned"
    assert lint["findings"] == []
    assert [(u["what"], u["count"]) for u in lint["unchecked"]] == [("1 Ruby file (rubocop)", 1)]
    assert "gem install rubocop" in lint["unchecked"][0]["fix"]
    assert "NOT CHECKED 1 Ruby file (rubocop)" in capsys.readouterr().out


def test_skip_turns_a_linter_off_and_says_so(faults: Path, tmp_path: Path) -> None:
    result = run_stage(LintStage, faults, tmp_path, skip_linters=["pymarkdown"])
    assert "pymarkdown" not in {f.tool for f in result.findings}
    assert "pymarkdown skipped by [stages.lint] skip_linters" in result.summary
    assert ("F401", "pkg/unused.py") in by_rule(result.findings)


def test_skip_with_an_unknown_linter_is_bad_input(faults: Path, tmp_path: Path) -> None:
    ctx = make_context(LintStage, faults, tmp_path / "artifacts", skip_linters=["pymarkdwn"])
    why = LintStage().available(ctx)
    assert why is not None and "unknown linter 'pymarkdwn'" in why
    assert "did you mean 'pymarkdown'" in why

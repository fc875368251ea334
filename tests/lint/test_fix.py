"""`lockgate fix`: the tools' safe fixes are applied, the changed files are named, nothing else moves."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.cli.main import main

MESSY = {
    "app/main.py": "import os\nimport sys\n\n\ndef f( x ):\n    return x\n",
    "app/clean.py": "def g(x: int) -> int:\n    return x\n",
    "docs/guide.md": "# Guide\n\n\n\n* one\n+ two\n",
    "infra/main.tf": 'variable "name" {\n\ttype = string   \n}\n',
    "infra/good.tf": 'variable "env" {\n  type = string\n}\n',
    "web/app.js": "export const f = (a) => (!!a ? 1 : 2)\n",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name, text in MESSY.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_fix_applies_safe_fixes_and_names_the_changed_files(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fix", str(project)]) == 0
    out = capsys.readouterr().out
    assert "ruff: changed 1 of 2 file(s)\n  app/main.py" in out  # the unused imports
    assert "ruff-format: changed 1 of 2 file(s)\n  app/main.py" in out
    assert "pymarkdown: changed 1 of 1 file(s)\n  docs/guide.md" in out
    assert "terraform: changed 1 of 2 file(s)\n  infra/main.tf" in out
    assert "eslint: changed 1 of 1 file(s)\n  web/app.js" in out  # no-extra-boolean-cast
    assert "prettier: changed 1 of 1 file(s)\n  web/app.js" in out
    assert "4 file(s) changed" in out
    assert (project / "web/app.js").read_text() == "export const f = (a) => (a ? 1 : 2);\n"
    assert (project / "app/main.py").read_text() == "def f(x):\n    return x\n"
    assert (project / "docs/guide.md").read_text() == "# Guide\n\n* one\n* two\n"
    assert (project / "infra/main.tf").read_text() == 'variable "name" {\n  type = string\n}\n'
    for name in ("app/clean.py", "infra/good.tf"):
        assert (project / name).read_text() == MESSY[name]
    assert main(["fix", str(project)]) == 0  # a second run finds nothing left to change
    assert "0 file(s) changed" in capsys.readouterr().out


def test_fix_one_file_leaves_the_others(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", str(project / "infra" / "main.tf")]) == 0
    assert "1 file(s) changed" in capsys.readouterr().out
    assert (project / "app/main.py").read_text() == MESSY["app/main.py"]


def test_no_format_leaves_layout_alone(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "--no-format", str(project / "app")]) == 0
    assert (project / "app/main.py").read_text() == "\n\ndef f( x ):\n    return x\n"


def test_missing_fixer_is_named_with_its_hint(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOCKGATE_RUBOCOP_BIN", str(project / "no-rubocop"))
    (project / "app.rb").write_text("puts 'hi'\n")
    assert main(["fix", str(project)]) == 1
    out = capsys.readouterr().out
    assert "rubocop: NOT FIXED (1 file(s)): rubocop is not installed" in out
    assert "gem install rubocop" in out


def test_a_file_a_fixer_cannot_parse_is_left_alone(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    broken = 'resource "a" "b" {\n\tx = \n}\n'
    (root / "broken.tf").write_text(broken)
    assert main(["fix", str(root)]) == 0
    assert (root / "broken.tf").read_text() == broken


def test_missing_path_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err

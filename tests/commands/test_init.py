"""`lockgate init`: stack detection on sample trees, a commented file load_config accepts, no clobbering."""

from __future__ import annotations

import argparse
import datetime
import shutil
import subprocess
from pathlib import Path

import pytest

from lockgate.cli.main import main
from lockgate.commands import init
from lockgate.commands.hooks import MARK
from lockgate.commands.init import base_branch, detect_stacks, init_project, render_config
from lockgate.config.loader import load_config
from lockgate.errors import LockgateError
from lockgate.model import Severity
from tests.config.fakes import FAKE_STAGES


def tree(root: Path, *files: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "stacks"),
    [
        (("pyproject.toml", "src/app/__init__.py"), ("python",)),
        (("setup.py",), ("python",)),
        (("requirements-dev.txt",), ("python",)),
        (("requirements/base.txt",), ("python",)),
        (("package.json", "index.html"), ("node",)),
        (("src/Api/Api.csproj",), ("dotnet",)),
        (("Tenancy.sln",), ("dotnet",)),
        (("Gemfile", "app/models/user.rb"), ("ruby",)),
        (("terraform/main.tf", "terraform/variables.tf"), ("terraform",)),
        (("index.html", "style.css"), ("static",)),
        (("public/index.html",), ("static",)),
        (
            ("pyproject.toml", "frontend/x.js", "package.json", "infra/main.tf"),
            ("python", "node", "terraform"),
        ),
        (("README.md",), ()),
        (("node_modules/pkg/main.tf", "docs/requirements.txt"), ()),  # skipped / not at the root
        (("a/b/c/d/e/f/deep.tf",), ()),  # deeper than detection looks
    ],
)
def test_detect_stacks(tmp_path: Path, files: tuple[str, ...], stacks: tuple[str, ...]) -> None:
    assert detect_stacks(tree(tmp_path / "p", *files)) == stacks


@pytest.mark.parametrize(
    "files",
    [
        ("pyproject.toml",),
        ("package.json",),
        ("App.csproj",),
        ("Gemfile",),
        ("terraform/main.tf",),
        ("index.html",),
        (),
    ],
)
def test_written_file_loads_for_every_stack(tmp_path: Path, files: tuple[str, ...]) -> None:
    root = tree(tmp_path / "my-service", *files)
    written, stacks = init_project(root, stages=FAKE_STAGES)
    assert written == root / "lockgate.toml"
    config = load_config(root, FAKE_STAGES)
    assert config.path == written and config.warnings == ()
    assert config.project.name == "my-service" and config.project.base_branch == "main"
    # the lint fake re-declares fail_on = "medium": init writes the stage's own default
    assert config.stages["lint"].gate.fail_on is Severity.MEDIUM
    has_tests = bool({"python", "node", "dotnet", "ruby"} & set(stacks))
    assert config.stages["test"].enabled is has_tests


def test_written_file_is_commented_and_names_the_stacks(tmp_path: Path) -> None:
    root = tree(tmp_path / "svc", "pyproject.toml", "infra/main.tf")
    written, stacks = init_project(root, stages=FAKE_STAGES)
    assert stacks == ("python", "terraform")
    text = written.read_text()
    assert "(detected: Python, Terraform)" in text and "Config reference" in text
    assert "#   lint           Fake linter." in text
    lines = text.splitlines()
    for i, line in enumerate(lines):  # every key it sets has a comment just above it
        if "=" in line and not line.startswith("#"):
            assert lines[i - 1].startswith("#"), line
    suppress = "\n".join(line.removeprefix("# ") for line in lines if line.startswith("# [[sup"))
    assert suppress == "[[suppress]]"


def test_commented_suppression_example_is_valid_when_uncommented(tmp_path: Path) -> None:
    root = tree(tmp_path / "svc", "pyproject.toml")
    written, _ = init_project(root, stages=FAKE_STAGES)
    lines = written.read_text().splitlines()
    start = lines.index("# [[suppress]]")
    example = [line.removeprefix("# ") for line in lines[start:]]
    written.write_text("\n".join(lines[:start] + example) + "\n")
    (suppression,) = load_config(root, FAKE_STAGES).suppressions
    assert suppression.stage == "lint" and suppression.reason
    assert not suppression.expired(datetime.date.today())  # never written already expired


def test_example_expiry_is_relative_to_the_clock() -> None:
    far = datetime.date(2040, 5, 1)
    text = render_config("svc", "main", (), FAKE_STAGES, today=far)
    assert "# expires = 2040-07-30" in text


def test_odd_folder_names_are_escaped(tmp_path: Path) -> None:
    root = tree(tmp_path / 'we"ird\\name')
    init_project(root, stages=FAKE_STAGES)
    assert load_config(root, FAKE_STAGES).project.name == 'we"ird\\name'


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    root = tree(tmp_path / "svc", "Gemfile")
    (root / "lockgate.toml").write_text("# mine\n")
    with pytest.raises(LockgateError) as info:
        init_project(root, stages=FAKE_STAGES)
    assert "already exists" in info.value.message and "--force" in (info.value.hint or "")
    assert (root / "lockgate.toml").read_text() == "# mine\n"
    init_project(root, force=True, stages=FAKE_STAGES)
    assert "detected: Ruby" in (root / "lockgate.toml").read_text()


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LockgateError, match="not a folder"):
        init_project(tmp_path / "nope", stages=FAKE_STAGES)


def test_base_branch_from_git_metadata(tmp_path: Path) -> None:
    git = tmp_path / ".git"
    assert base_branch(tmp_path) == "main"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "refs" / "heads" / "master").write_text("0" * 40 + "\n")
    assert base_branch(tmp_path) == "master"
    (git / "refs" / "remotes" / "origin").mkdir(parents=True)
    (git / "refs" / "remotes" / "origin" / "HEAD").write_text("ref: refs/remotes/origin/trunk\n")
    assert base_branch(tmp_path) == "trunk"


def test_base_branch_from_packed_refs(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "packed-refs").write_text(f"{'1' * 40} refs/heads/master\n")
    assert base_branch(tmp_path) == "master"


def run_init(*argv: str) -> int:
    """`lockgate init` through its own argparse registration (as cli.main does it)."""
    parser = argparse.ArgumentParser(prog="lockgate")
    init.add_parser(parser.add_subparsers())
    args = parser.parse_args(["init", *argv])
    return int(args.func(args))


def test_cli_init_with_registered_stages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tree(tmp_path / "svc", "pyproject.toml")
    assert run_init(str(root)) == 0
    out = capsys.readouterr().out
    assert "lockgate.toml (Python)" in out and "lockgate run" in out
    config = load_config(root)  # the real registry
    assert config.warnings == ()
    with pytest.raises(LockgateError, match="already exists"):
        run_init(str(root))
    assert run_init(str(root), "--force") == 0


def test_cli_init_notes_a_pyproject_tool_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tree(tmp_path / "svc")
    (root / "pyproject.toml").write_text("[tool.lockgate.run]\njobs = 1\n")
    assert run_init(str(root)) == 0
    assert "now takes precedence" in capsys.readouterr().err


def test_init_is_a_lockgate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tree(tmp_path / "svc", "Gemfile")
    assert main(["init", str(root)]) == 0
    assert main(["init", str(root)]) == 2  # the top-level handler turns LockgateError into exit 2
    assert "error: " in capsys.readouterr().err


def test_unwritable_target_is_a_clear_error(tmp_path: Path) -> None:
    root = tree(tmp_path / "svc", "Gemfile")
    (root / "lockgate.toml").mkdir()
    with pytest.raises(LockgateError, match=r"cannot write lockgate\.toml"):
        init_project(root, force=True, stages=FAKE_STAGES)


def test_ci_profile_fails_every_stage_on_what_it_could_not_check(tmp_path: Path) -> None:
    root = tree(tmp_path / "svc", "README.md")  # no test suite: [stages.test] is written too
    init_project(root, stages=FAKE_STAGES, ci=True)
    config = load_config(root, FAKE_STAGES)
    assert config.warnings == ()
    assert all(s.gate.fail_on_unchecked for s in config.stages.values())
    assert config.stages["lint"].gate.fail_on is Severity.MEDIUM  # the other keys stay
    assert config.stages["test"].enabled is False
    text = (root / "lockgate.toml").read_text()
    assert text.count("[stages.lint]") == 1 and "lockgate init --ci" in text


def test_without_the_ci_profile_unchecked_only_warns_and_the_file_says_how(tmp_path: Path) -> None:
    root = tree(tmp_path / "svc", "pyproject.toml")
    init_project(root, stages=FAKE_STAGES)
    config = load_config(root, FAKE_STAGES)
    assert not any(s.gate.fail_on_unchecked for s in config.stages.values())
    assert "fail_on_unchecked = true" in (root / "lockgate.toml").read_text()  # as advice


def test_cli_init_ci(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tree(tmp_path / "svc", "pyproject.toml")
    assert main(["init", "--ci", str(root)]) == 0
    config = load_config(root)
    assert config.stages and all(s.gate.fail_on_unchecked for s in config.stages.values())


# --- packs and CI files ----------------------------------------------------------------------------

CHECK_JSONSCHEMA = shutil.which("check-jsonschema") or str(
    Path(__file__).resolve().parents[2] / ".venv" / "bin" / "check-jsonschema"
)
CI_FILES = {
    "github": (".github/workflows/lockgate.yml", "vendor.github-workflows"),
    "gitlab": (".gitlab-ci.yml", "vendor.gitlab-ci"),
    "circleci": (".circleci/config.yml", "vendor.circle-ci"),
}


@pytest.mark.parametrize("system", list(CI_FILES))
def test_a_fresh_python_repository_gets_its_whole_pipeline_from_one_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], system: str
) -> None:
    root = tree(tmp_path / "svc", "pyproject.toml")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert main(["init", "--ci", system, str(root)]) == 0
    assert MARK in (root / ".git" / "hooks" / "pre-commit").read_text()  # the hooks too
    config = load_config(root)
    assert config.warnings == ()
    assert config.origins["extends"] == "lockgate.toml:8"
    assert 'extends = ["python-service@1"]' in (root / "lockgate.toml").read_text()
    assert config.origins["stages.test.coverage_min"].startswith("python-service@1:")
    assert all(s.gate.fail_on_unchecked for s in config.stages.values())  # the CI profile too
    path, schema = CI_FILES[system]
    assert (root / path).is_file() and schema in capsys.readouterr().out
    done = subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", schema, str(root / path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("files", "pack"),
    [
        (("pyproject.toml",), "python-service@1"),
        (("package.json",), "node-frontend@1"),
        (("Api.csproj",), "dotnet-api@1"),
        (("Gemfile",), "rails-app@1"),
        (("index.html",), "static-site@1"),
        (("main.tf",), "terraform@1"),
        (
            ("pyproject.toml", "infra/main.tf"),
            "python-service@1",
        ),  # the app's pack, not terraform's
        (("README.md",), None),
    ],
)
def test_init_chooses_the_pack_of_the_stack(
    tmp_path: Path, files: tuple[str, ...], pack: str | None
) -> None:
    root = tree(tmp_path / "svc", *files)
    init_project(root)
    text = (root / "lockgate.toml").read_text()
    assert (f'extends = ["{pack}"]' in text) if pack else ("extends" not in text)
    assert load_config(root).warnings == ()


def test_a_pack_for_stages_that_are_not_registered_is_not_chosen() -> None:
    assert init.choose_pack(("python",), FAKE_STAGES) is None
    assert init.choose_pack(("python",)) == "python-service@1"


def test_init_ci_without_a_system_keeps_the_profile_and_writes_no_ci_file(tmp_path: Path) -> None:
    root = tree(tmp_path / "svc", "pyproject.toml")
    assert main(["init", str(root), "--ci"]) == 0
    assert all(s.gate.fail_on_unchecked for s in load_config(root).stages.values())
    assert not (root / ".github").exists() and not (root / ".gitlab-ci.yml").exists()


def test_init_with_an_unknown_ci_system_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tree(tmp_path / "svc", "pyproject.toml")
    assert main(["init", "--ci", "jenkins", str(root)]) == 2
    err = capsys.readouterr().err
    assert "unknown CI system 'jenkins'" in err and "github, gitlab, circleci" in err
    assert not (root / "lockgate.toml").exists()


def test_init_installs_the_secrets_hooks_in_a_git_work_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tree(tmp_path / "svc", "pyproject.toml")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert main(["init", str(root)]) == 0
    for hook in ("pre-commit", "pre-push"):
        assert MARK in (root / ".git" / "hooks" / hook).read_text()
    assert "installed" in capsys.readouterr().out


def test_init_outside_git_says_how_to_add_the_hooks_later(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tree(tmp_path / "svc", "pyproject.toml")
    assert main(["init", str(root)]) == 0
    assert "lockgate hooks install" in capsys.readouterr().err
    assert (root / "lockgate.toml").is_file()


def test_init_leaves_another_tools_hook_alone_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tree(tmp_path / "svc", "pyproject.toml")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    theirs = root / ".git" / "hooks" / "pre-commit"
    theirs.write_text("#!/bin/sh\nexec their-tool\n")
    assert main(["init", str(root)]) == 0
    assert theirs.read_text() == "#!/bin/sh\nexec their-tool\n"
    assert "git hooks not installed" in capsys.readouterr().err


def test_init_with_no_hooks_installs_none(tmp_path: Path) -> None:
    root = tree(tmp_path / "svc", "pyproject.toml")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert main(["init", "--no-hooks", str(root)]) == 0
    assert not (root / ".git" / "hooks" / "pre-commit").exists()

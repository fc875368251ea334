"""Packs and `extends`: built in, from a path, a pinned git URL or a package; merge order, origins."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from lockgate.cli.main import main
from lockgate.config.loader import Config, load_config
from lockgate.config.packs import builtin_names
from lockgate.config.packs.sources import parse_git
from lockgate.errors import ExitCode, LockgateError
from lockgate.stages.registry import builtin_stages

STAGES = builtin_stages()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load(root: Path) -> Config:
    return load_config(root, STAGES)


def error(root: Path) -> LockgateError:
    with pytest.raises(LockgateError) as info:
        load(root)
    assert info.value.exit_code is ExitCode.BAD_INPUT
    return info.value


@pytest.mark.parametrize("ref", builtin_names())
def test_every_builtin_pack_is_valid_config(tmp_path: Path, ref: str) -> None:
    write(tmp_path / "lockgate.toml", f'extends = ["{ref}"]\n')
    config = load(tmp_path)
    assert config.warnings == ()
    assert any(origin.startswith(f"{ref}:") for origin in config.origins.values())


def test_the_six_builtin_packs() -> None:
    assert builtin_names() == (
        "dotnet-api@1",
        "node-frontend@1",
        "python-service@1",
        "rails-app@1",
        "static-site@1",
        "terraform@1",
    )


def test_terraform_pack_builds_and_deploys_nothing(tmp_path: Path) -> None:
    write(tmp_path / "lockgate.toml", 'extends = ["terraform@1"]\n')
    stages = load(tmp_path).stages
    assert not stages["build"].enabled and not stages["deploy"].enabled
    assert "checkov" in stages["sast"].options["engines"]


def test_later_layers_override_earlier_ones_and_every_value_names_its_origin(
    tmp_path: Path,
) -> None:
    write(
        tmp_path / "team.toml",
        '[stages.test]\ncoverage_min = 90.0\n[stages.deps]\nfail_on = "medium"\n',
    )
    write(
        tmp_path / "lockgate.toml",
        """
        extends = ["python-service@1", "./team.toml"]

        [stages.deps]
        fail_on = "low"
        """,
    )
    config = load(tmp_path)
    assert config.stages["test"].options["coverage_min"] == 90.0
    assert config.origins["stages.test.coverage_min"] == "./team.toml:2"
    assert config.stages["deps"].gate.fail_on.value == "low"
    assert config.origins["stages.deps.fail_on"] == "lockgate.toml:4"
    assert config.origins["stages.sast.fail_on"] == "python-service@1:16"


def test_a_pack_may_extend_another_relative_to_itself(tmp_path: Path) -> None:
    write(tmp_path / "packs" / "base.toml", '[stages.lint]\nfail_on = "medium"\n')
    write(tmp_path / "packs" / "team.toml", 'extends = ["./base.toml"]\n')
    write(tmp_path / "lockgate.toml", 'extends = ["./packs/team.toml"]\n')
    config = load(tmp_path)
    assert config.stages["lint"].gate.fail_on.value == "medium"
    assert config.origins["stages.lint.fail_on"] == "./base.toml:2"


def test_suppressions_of_packs_and_project_add_up(tmp_path: Path) -> None:
    entry = '[[suppress]]\nrule = "{}"\nreason = "r"\nexpires = 2030-01-01\n'
    write(tmp_path / "pack.toml", entry.format("B101"))
    write(tmp_path / "lockgate.toml", 'extends = ["./pack.toml"]\n' + entry.format("E501"))
    config = load(tmp_path)
    assert [s.rule for s in config.suppressions] == ["B101", "E501"]
    assert config.suppressions[1].where == "lockgate.toml:2"


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extends", "message", "hint"),
    [
        (
            '["python-servce@1"]',
            "no pack 'python-servce@1'; did you mean 'python-service@1'?",
            "python-service@1",
        ),
        (
            '["python-service@9"]',
            "no pack 'python-service@9'",
            "versions available: python-service@1",
        ),
        ('["python-service"]', "has no version", '"python-service@1"'),
        (
            '["./missing.toml"]',
            "cannot read the pack file './missing.toml'",
            "relative to the file",
        ),
        ("[1]", "expected an array", "extends = ["),
    ],
)
def test_a_pack_that_does_not_exist_is_an_error_with_the_fix(
    tmp_path: Path, extends: str, message: str, hint: str
) -> None:
    write(tmp_path / "lockgate.toml", f"extends = {extends}\n")
    exc = error(tmp_path)
    assert message in exc.message and exc.where == "lockgate.toml:1"
    assert hint in (exc.hint or "")


def test_a_cycle_in_extends_is_an_error_naming_it(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", 'extends = ["./b.toml"]\n')
    write(tmp_path / "b.toml", '# team pack\nextends = ["./a.toml"]\n')
    write(tmp_path / "lockgate.toml", 'extends = ["./a.toml"]\n')
    exc = error(tmp_path)
    assert "cycle: lockgate.toml -> ./a.toml -> ./b.toml -> ./a.toml" in exc.message
    assert exc.where == "./b.toml:2"


@pytest.mark.parametrize(
    "ref",
    [
        "git+https://example.invalid/org/packs.git#pack.toml",
        "git+https://example.invalid/org/packs.git@main#pack.toml",
        "git+https://example.invalid/org/packs.git@v1.2#pack.toml",
        "git+https://example.invalid/org/packs.git@abc123#pack.toml",
    ],
)
def test_a_git_pack_not_pinned_to_a_commit_is_refused(tmp_path: Path, ref: str) -> None:
    write(tmp_path / "lockgate.toml", f'extends = ["{ref}"]\n')
    exc = error(tmp_path)
    assert "is not pinned to a commit" in exc.message
    assert "40-character commit" in (exc.hint or "")


def test_cli_bad_pack_exits_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "lockgate.toml", 'extends = ["nope@1"]\n')
    assert main(["config", "show", str(tmp_path)]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert "error: lockgate.toml:1: extends: no pack 'nope@1'" in err and "Traceback" not in err


# --- git and installed packages --------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "HOME": str(cwd),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_git_pack_pinned_to_a_commit_is_read_at_that_commit(tmp_path: Path) -> None:
    repo = tmp_path / "org-packs"
    repo.mkdir()
    _git(repo, "init", "-q")
    write(repo / "packs" / "service.toml", '[stages.lint]\nfail_on = "medium"\n')
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "one")
    first = _git(repo, "rev-parse", "HEAD")
    write(repo / "packs" / "service.toml", '[stages.lint]\nfail_on = "critical"\n')
    _git(repo, "commit", "-qam", "two")
    project = tmp_path / "project"
    ref = f"git+{repo.as_uri()}@{first}#packs/service.toml"
    write(project / "lockgate.toml", f'extends = ["{ref}"]\n')
    config = load(project)
    assert config.stages["lint"].gate.fail_on.value == "medium"
    assert config.origins["stages.lint.fail_on"] == f"{ref}:2"


def test_a_git_pack_missing_at_its_commit_is_an_error(tmp_path: Path) -> None:
    repo = tmp_path / "org-packs"
    repo.mkdir()
    _git(repo, "init", "-q")
    write(repo / "x.txt", "x\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "one")
    commit = _git(repo, "rev-parse", "HEAD")
    write(tmp_path / "p" / "lockgate.toml", f'extends = ["git+{repo.as_uri()}@{commit}"]\n')
    exc = error(tmp_path / "p")
    assert "no 'lockgate-pack.toml' at commit" in exc.message


def test_parse_git_splits_url_commit_and_file() -> None:
    sha = "a" * 40
    ref = parse_git(f"git+ssh://git@example.invalid/org/p.git@{sha}#sub/p.toml", "x")
    assert (ref.url, ref.commit, ref.file) == (
        "ssh://git@example.invalid/org/p.git",
        sha,
        "sub/p.toml",
    )


def test_a_pack_from_an_installed_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    write(site / "acme_packs" / "__init__.py", "")
    write(site / "acme_packs" / "acme-service@2.toml", "[stages.test]\ncoverage_min = 95.0\n")
    dist = site / "acme_packs-1.0.dist-info"
    write(dist / "METADATA", "Metadata-Version: 2.1\nName: acme-packs\nVersion: 1.0\n")
    write(dist / "entry_points.txt", "[lockgate.packs]\nacme-service = acme_packs\n")
    monkeypatch.syspath_prepend(str(site))
    write(tmp_path / "p" / "lockgate.toml", 'extends = ["acme-service@2"]\n')
    config = load(tmp_path / "p")
    assert config.stages["test"].options["coverage_min"] == 95.0
    assert config.origins["stages.test.coverage_min"] == "acme-service@2:2"
    write(tmp_path / "p" / "lockgate.toml", 'extends = ["acme-service@1"]\n')
    assert "versions available: acme-service@2" in (error(tmp_path / "p").hint or "")


# --- lockgate config show ------------------------------------------------------------------------


def test_config_show_names_the_origin_of_every_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "lockgate.toml", 'extends = ["python-service@1"]\n\n[project]\nname = "svc"\n')
    assert main(["config", "show", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 50
    assert all("  # " in line and line.rsplit("  # ", 1)[1].strip() for line in lines)
    shown = {line.split(" = ")[0]: line.rsplit("# ", 1)[1] for line in lines}
    assert shown["project.name"] == "lockgate.toml:4"
    assert shown["stages.test.coverage_min"] == "python-service@1:9"
    assert shown["run.timeout"] == "default"
    assert shown["extends"] == "lockgate.toml:1"


def test_a_mistake_in_a_pack_names_the_pack_and_its_line(tmp_path: Path) -> None:
    write(tmp_path / "team.toml", '# team\n[stages.lint]\nfail_on = "sometimes"\n')
    write(tmp_path / "lockgate.toml", 'extends = ["./team.toml"]\n')
    exc = error(tmp_path)
    assert exc.where == "./team.toml:3" and "stages.lint.fail_on" in exc.message


def test_an_unknown_key_in_a_pack_is_a_warning_at_the_pack_line(tmp_path: Path) -> None:
    write(tmp_path / "team.toml", "[stages.test]\ncoverage_mni = 80.0\n")
    write(tmp_path / "lockgate.toml", 'extends = ["./team.toml"]\n')
    (warning,) = load(tmp_path).warnings
    assert warning.startswith("./team.toml:2:") and "did you mean 'coverage_min'" in warning

"""`lockgate hooks install|run` with real git: commits and pushes adding a secret are blocked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lockgate.cli.main import main
from lockgate.commands.hooks import MARK, run_hook
from tests.testing.canaries import assert_no_canaries, make_canaries
from tests.testing.harness import REPO, init_git

BARE_MARKER = "lockgate: allow" + "-secret"  # built so this file itself carries no bare marker

LOCKGATE = str(Path(sys.prefix) / "bin" / "lockgate")


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=check,
        env={"PATH": "/usr/bin:/bin", "HOME": str(root), "LOCKGATE": LOCKGATE},
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "README.md").write_text("# r\n")
    init_git(root)
    return root


def test_install_writes_both_hooks(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hooks", "install", str(repo)]) == 0
    for hook in ("pre-commit", "pre-push"):
        path = repo / ".git" / "hooks" / hook
        assert MARK in path.read_text() and path.stat().st_mode & 0o111
    assert "installed" in capsys.readouterr().out
    assert main(["hooks", "install", str(repo)]) == 0  # its own hooks are simply updated


def test_existing_hook_is_kept_unless_forced(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = repo / ".git" / "hooks" / "pre-commit"
    mine.write_text("#!/bin/sh\necho mine\n")
    assert main(["hooks", "install", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "--force" in err
    assert mine.read_text() == "#!/bin/sh\necho mine\n"
    assert main(["hooks", "install", "--force", str(repo)]) == 0
    assert (
        repo / ".git" / "hooks" / "pre-commit.lockgate-backup"
    ).read_text() == "#!/bin/sh\necho mine\n"
    assert MARK in mine.read_text()


def test_commit_adding_a_secret_is_blocked_with_reason(repo: Path) -> None:
    main(["hooks", "install", str(repo)])
    values = make_canaries(21)
    (repo / "settings.py").write_text(
        f'NOTIFY = "{values["notify"]}"\nDB = "postgres://a:{values["db_password"]}@db/x"\n'
    )
    git(repo, "add", "settings.py")
    blocked = git(repo, "commit", "-m", "add settings", check=False)
    assert blocked.returncode != 0
    assert "commit blocked: 2 possible secret(s)" in blocked.stderr
    assert "settings.py:1" in blocked.stderr and "settings.py:2" in blocked.stderr
    assert "allow-secret" in blocked.stderr and "--no-verify" in blocked.stderr
    assert_no_canaries([blocked.stdout, blocked.stderr], values.values())

    (repo / "settings.py").write_text('NOTIFY = os.environ["NOTIFY_API_KEY"]\n')
    git(repo, "add", "settings.py")
    assert git(repo, "commit", "-qm", "settings from env", check=False).returncode == 0


def test_allowed_with_reason_passes_and_says_so(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jwt = make_canaries(22)["jwt"]
    (repo / "t.py").write_text(
        f'T = "{jwt}"  # lockgate: allow-secret reason="signed with the test key"\n'
    )
    git(repo, "add", "t.py")
    assert run_hook(repo, "pre-commit") == 0
    assert "allowed t.py:1 (jwt): allow-secret: signed with the test key" in capsys.readouterr().err
    (repo / "t.py").write_text(f'T = "{jwt}"  # {BARE_MARKER}\n')
    git(repo, "add", "t.py")
    assert run_hook(repo, "pre-commit") == 1


def test_push_of_a_commit_with_a_secret_is_blocked(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    main(["hooks", "install", str(repo)])
    key = make_canaries(23)["aws_key_id"]
    (repo / "aws.env").write_text(f"AWS_ACCESS_KEY_ID={key}\n")
    git(repo, "add", "aws.env")
    git(repo, "commit", "-qm", "oops", "--no-verify")
    (repo / "aws.env").unlink()
    git(repo, "commit", "-qam", "remove it again", "--no-verify")
    pushed = git(repo, "push", "origin", "main", check=False)
    assert pushed.returncode != 0
    assert (
        "push blocked" in pushed.stderr
        and "aws.env:1" in pushed.stderr
        and "in commit" in pushed.stderr
    )
    assert key not in pushed.stderr
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    assert run_hook(repo, "pre-push", f"refs/heads/main {head} refs/heads/main {'0' * 40}\n") == 1
    assert run_hook(repo, "pre-push", f"(delete) {'0' * 40} refs/heads/old {head}\n") == 0
    unknown = "1234567" * 5 + "12345"  # a force-push over a commit this clone never saw
    assert run_hook(repo, "pre-push", f"refs/heads/main {head} refs/heads/main {unknown}\n") == 1


def test_not_a_git_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hooks", "install", str(tmp_path)]) == 2
    assert "not a git work tree" in capsys.readouterr().err


def test_pre_commit_framework_manifest() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "lockgate-secrets"
    assert hook["entry"] == "lockgate hooks run pre-commit"
    assert hook["language"] == "python" and hook["pass_filenames"] is False


def test_files_the_config_excludes_do_not_block_a_commit(repo: Path) -> None:
    main(["hooks", "install", str(repo)])
    (repo / "lockgate.toml").write_text(
        '[project]\nname = "r"\n\n[stages.secrets]\nexclude = ["fixtures/**"]\n'
    )
    token = make_canaries(22)["github"]
    (repo / "fixtures").mkdir()
    (repo / "fixtures" / "fake.env").write_text(f"TOKEN={token}\n")
    (repo / "real.env").write_text(f"TOKEN={token}\n")
    git(repo, "add", "lockgate.toml", "fixtures/fake.env")
    assert git(repo, "commit", "-m", "fixture", check=False).returncode == 0
    git(repo, "add", "real.env")
    blocked = git(repo, "commit", "-m", "real", check=False)
    assert blocked.returncode != 0 and "real.env:1" in blocked.stderr


@pytest.mark.parametrize("engines", ['["detect-secrets"]', '["gitleaks"]', "[]"])
def test_lockgate_rules_block_whatever_engines_the_stage_is_configured_with(
    repo: Path, engines: str
) -> None:
    main(["hooks", "install", str(repo)])
    (repo / "lockgate.toml").write_text(
        f'[project]\nname = "r"\n\n[stages.secrets]\nengines = {engines}\n'
    )
    (repo / "k.env").write_text(f"GITHUB_TOKEN={make_canaries(23)['github']}\n")
    git(repo, "add", "lockgate.toml", "k.env")
    blocked = git(repo, "commit", "-m", "leak", check=False)
    assert blocked.returncode != 0 and "k.env:1" in blocked.stderr

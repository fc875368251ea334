"""`lockgate hooks install|run` with real git: commits and pushes adding a secret are blocked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lockgate.cli.main import main
from lockgate.commands.hooks import MARK, run_hook
from tests.secrets.cases import EXAMPLE, FLAG, Case
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


def _gate_fails(repo: Path, tmp_path: Path) -> bool:
    """What the CI gate decides on the same tree, from the same lockgate.toml."""
    from lockgate.config.loader import load_config
    from lockgate.engine.context import stage_context
    from lockgate.engine.gate import apply_gate
    from lockgate.model import Status
    from lockgate.stages.interface import GitInfo
    from lockgate.stages.secrets import SecretsStage

    config = load_config(repo)
    ctx = stage_context(
        config, SecretsStage, artifacts=tmp_path / "art", run_id="t", git=GitInfo(is_repo=True)
    )
    result = SecretsStage().run(ctx)
    sups = [s for s in config.suppressions if s.stage in (None, "secrets")]
    return apply_gate(result, config.stages["secrets"].gate, sups).status is Status.FAILED


PARITY = [c for c in FLAG if c.rule in ("url-password", "azure-storage-key", "jwt")] + [
    c for c in EXAMPLE if c.id in ("db-scott-tiger", "url-docs-placeholder-user", "azurite-key")
]


@pytest.mark.parametrize("case", PARITY, ids=lambda c: c.id)
def test_the_hook_blocks_exactly_what_the_gate_fails(
    repo: Path, tmp_path: Path, case: Case
) -> None:
    name = case.file_name(0)
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).write_text(case.text + "\n")
    git(repo, "add", name)
    blocked = run_hook(repo, "pre-commit") == 1
    assert blocked == _gate_fails(repo, tmp_path)
    assert blocked == (case in FLAG)


def test_a_value_only_gitleaks_knows_is_blocked_by_hook_and_gate(
    repo: Path, tmp_path: Path
) -> None:
    stripe = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc"
    (repo / "pay.py").write_text(f'KEY = "{stripe}"\n')
    git(repo, "add", "pay.py")
    assert run_hook(repo, "pre-commit") == 1
    assert _gate_fails(repo, tmp_path)


def test_the_paranoid_profile_runs_detect_secrets_in_the_hook_on_added_lines_only(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import base64
    import random

    rng = random.Random(5)
    blob = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(45))).decode()
    (repo / "lockgate.toml").write_text('[project]\nname = "r"\n')
    (repo / "data.py").write_text(f'BLOB = "{blob}"\n')
    git(repo, "add", "lockgate.toml", "data.py")
    assert run_hook(repo, "pre-commit") == 0  # standard profile: no entropy heuristics
    (repo / "lockgate.toml").write_text(
        '[project]\nname = "r"\n\n[stages.secrets]\nprofile = "paranoid"\n'
    )
    git(repo, "add", "lockgate.toml")
    assert run_hook(repo, "pre-commit") == 1
    assert "data.py:1" in capsys.readouterr().err
    assert _gate_fails(repo, tmp_path)
    git(repo, "commit", "-qm", "accepted", "--no-verify")
    (repo / "data.py").write_text(f'BLOB = "{blob}"\nOTHER = 1\n')
    git(repo, "add", "data.py")
    assert run_hook(repo, "pre-commit") == 0  # the old line is not part of this change


def test_the_hook_honours_the_gates_suppressions_and_threshold(repo: Path) -> None:
    import datetime

    expires = datetime.date.today() + datetime.timedelta(days=30)
    jwt = make_canaries(24)["jwt"]
    (repo / "lockgate.toml").write_text(
        '[project]\nname = "r"\n\n'
        f'[[suppress]]\nstage = "secrets"\npath = "fixtures/*"\nreason = "signed with the'
        f' test key"\nexpires = {expires.isoformat()}\n'
    )
    (repo / "fixtures").mkdir()
    (repo / "fixtures" / "t.http").write_text(f"Authorization: Bearer {jwt}\n")
    git(repo, "add", "lockgate.toml", "fixtures/t.http")
    assert run_hook(repo, "pre-commit") == 0
    (repo / "lockgate.toml").write_text(
        '[project]\nname = "r"\n\n[stages.secrets]\nfail_on = "critical"\n'
    )
    git(repo, "add", "lockgate.toml")
    assert run_hook(repo, "pre-commit") == 0  # a JWT is high: under the gate's threshold
    (repo / "lockgate.toml").write_text('[project]\nname = "r"\n')
    git(repo, "add", "lockgate.toml")
    assert run_hook(repo, "pre-commit") == 1

"""The secrets stage on sample projects: every engine, history, skips, allow markers, redaction."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from lockgate.model import FindingState, Status, Unchecked, result_to_dict
from lockgate.secrets.scan import Outcome
from lockgate.stages.secrets import SecretsStage
from tests.testing.canaries import assert_no_canaries, make_canaries, plant_canaries
from tests.testing.harness import init_git, make_context, run_stage

BARE_MARKER = "lockgate: allow" + "-secret"  # built so this file itself carries no bare marker

OWN = {"engines": ["lockgate"]}


def git(path: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=path, check=True, capture_output=True)


def project(tmp_path: Path, files: dict[str, str | bytes], *, commit: bool = True) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    if commit:
        init_git(root)
    return root


def metric(result, name: str) -> float:  # type: ignore[no-untyped-def]
    return next(m.value for m in result.metrics if m.name == name)


def test_canaries_found_by_every_engine_and_never_leaked(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    canaries = plant_canaries(root)
    (root / "README.md").write_text("# sample\n")
    init_git(root)
    (root / "untracked.env").write_text(f"GITHUB_TOKEN={make_canaries(7)['github']}\n")
    canaries.append(make_canaries(7)["github"])

    result = run_stage(SecretsStage, root, tmp_path, history=True, profile="paranoid")

    assert result.status is Status.PASSED, result.summary
    rules = {f.rule_id for f in result.findings}
    expected = {
        "notify-api-key",
        "aws-access-key-id",
        "aws-secret-access-key",
        "github-token",
        "slack-webhook",
        "private-key",
        "database-url-password",
        "jwt",
    }
    assert expected <= rules
    assert any(f.location and f.location.path == "untracked.env" for f in result.findings)
    tools = {tool for tool, _ in result.tool_versions}
    assert {"gitleaks", "detect-secrets"} <= tools
    lines = [(f.location.path, f.location.start_line) for f in result.findings if f.location]
    assert len(lines) == len(set(lines)), "one finding per place, engines merged"
    assert all(f.severity.value in ("high", "critical") for f in result.findings)
    assert all("CWE-798" in f.tags for f in result.findings)
    assert_no_canaries(
        [tmp_path / "artifacts", repr(result), json.dumps(result_to_dict(result), default=str)],
        canaries,
    )


def test_secret_deleted_from_the_tree_is_found_in_history(tmp_path: Path) -> None:
    values = make_canaries(3)
    root = project(tmp_path, {"app.py": "print('hi')\n"})
    (root / "settings.py").write_text(f'SLACK = "{values["slack"]}"\nKEY = "{values["notify"]}"\n')
    git(root, "add", "-A")
    git(root, "commit", "-qm", "add settings")
    (root / "settings.py").unlink()
    git(root, "commit", "-qam", "remove settings")

    assert run_stage(SecretsStage, root, tmp_path / "a", **OWN).findings == ()
    for engines in (["lockgate"], ["gitleaks"]):
        result = run_stage(
            SecretsStage, root, tmp_path / "-".join(engines), history=True, engines=engines
        )
        assert result.findings, engines
        assert all("git-history" in f.tags and "in commit" in f.message for f in result.findings)
        assert {f.location.path for f in result.findings if f.location} == {"settings.py"}
        assert metric(result, "commits_scanned") >= 1 or engines == ["gitleaks"]
        assert_no_canaries([repr(result)], values.values())


def test_history_range_scans_only_that_range(tmp_path: Path) -> None:
    values = make_canaries(4)
    root = project(tmp_path, {"old.env": f"AWS_ACCESS_KEY_ID={values['aws_key_id']}\n"})
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True
    ).stdout.strip()
    git(root, "rm", "-q", "old.env")
    (root / "new.py").write_text(f'T = "{values["github"]}"\n')
    git(root, "add", "-A")
    git(root, "commit", "-qm", "swap")
    (root / "new.py").write_text("T = None\n")
    git(root, "commit", "-qam", "fix")

    result = run_stage(SecretsStage, root, tmp_path, history_range=f"{base}..HEAD", **OWN)
    assert [f.rule_id for f in result.findings] == ["github-token"]
    zero = run_stage(SecretsStage, root, tmp_path / "z", history_range=f"{'0' * 40}..HEAD", **OWN)
    assert {f.rule_id for f in zero.findings} == {"github-token", "aws-access-key-id"}


def test_history_without_commits_is_warned_not_clean(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.txt": "nothing\n"}, commit=False)
    git(root, "init", "-q")
    result = run_stage(SecretsStage, root, tmp_path, history=True, **OWN)
    assert result.status is Status.WARNED
    assert "no commits" in result.summary


def test_binary_and_huge_files_are_skipped_and_counted(tmp_path: Path) -> None:
    token = make_canaries(5)["github"]
    root = project(
        tmp_path,
        {
            "image.bin": b"\x89PNG\0\0" + token.encode(),
            "big.log": "x" * 3000 + f"\n{token}\n",
            "ok.py": "x = 1\n",
        },
    )
    result = run_stage(SecretsStage, root, tmp_path, max_file_size=2000, **OWN)
    assert metric(result, "files_skipped_binary") == 1
    assert metric(result, "files_skipped_too_large") == 1
    assert metric(result, "files_scanned") == 1
    assert "skipped 1 binary" in result.summary and "skipped 1 too large" in result.summary
    assert "max_file_size" in result.summary
    # the big text file may hold a secret nobody looked at: a warning, never a clean pass
    assert result.status is Status.WARNED


def test_binary_files_alone_pass_even_when_larger_than_the_limit(tmp_path: Path) -> None:
    root = project(tmp_path, {"image.png": b"\x89PNG\0\0" + b"\x01" * 5000, "ok.py": "x = 1\n"})
    result = run_stage(SecretsStage, root, tmp_path, max_file_size=2000, **OWN)
    assert metric(result, "files_skipped_binary") == 1
    assert metric(result, "files_skipped_too_large") == 0
    assert result.status is Status.PASSED  # a big image is skipped by policy, not a warning


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_warns(tmp_path: Path) -> None:
    root = project(tmp_path, {"secret.txt": "x\n"})
    (root / "secret.txt").chmod(0)
    try:
        result = run_stage(SecretsStage, root, tmp_path, **OWN)
    finally:
        (root / "secret.txt").chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert result.status is Status.WARNED
    assert metric(result, "files_unreadable") == 1


def test_allow_marker_with_reason_suppresses_and_without_reason_is_reported(tmp_path: Path) -> None:
    a, b = make_canaries(8)["jwt"], make_canaries(9)["jwt"]
    root = project(
        tmp_path,
        {
            "fixture.py": f'T = "{a}"  # lockgate: allow-secret reason="expired test token from the spec"\n',
            "other.py": f'T = "{b}"  # {BARE_MARKER}\n',
        },
    )
    result = run_stage(SecretsStage, root, tmp_path, **OWN)
    by_path = {(f.location.path, f.rule_id): f for f in result.findings if f.location}
    allowed = by_path[("fixture.py", "jwt")]
    assert allowed.state is FindingState.SUPPRESSED
    assert allowed.state_reason == "allow-secret: expired test token from the spec"
    assert by_path[("other.py", "jwt")].state is FindingState.OPEN
    assert by_path[("other.py", "allow-secret-without-reason")].state is FindingState.OPEN
    assert "1 allowed with a reason" in result.summary


def test_fingerprint_survives_line_moves_and_names_no_value(tmp_path: Path) -> None:
    key = make_canaries(10)["aws_key_id"]
    root = project(tmp_path, {"a.env": f"ID={key}\n"})
    first = run_stage(SecretsStage, root, tmp_path / "1", **OWN).findings[0]
    (root / "a.env").write_text(f"# moved\n\nID={key}\n")
    second = run_stage(SecretsStage, root, tmp_path / "2", **OWN).findings[0]
    assert first.fingerprint == second.fingerprint
    assert second.location is not None and second.location.start_line == 3
    assert "hmac:" in second.message and key not in second.message


def test_cache_key_follows_files_options_and_head(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    stage = SecretsStage()
    ctx = make_context(SecretsStage, root, tmp_path / "art", **OWN)
    hist = make_context(SecretsStage, root, tmp_path / "art", history=True, **OWN)
    before, before_hist = stage.cache_key(ctx), stage.cache_key(hist)
    assert before != before_hist
    git(root, "commit", "-q", "--allow-empty", "-m", "empty")
    assert stage.cache_key(ctx) == before
    assert stage.cache_key(hist) != before_hist
    (root / "a.py").write_text("x = 2\n")
    assert stage.cache_key(ctx) != before


def _fake_gitleaks(tmp_path: Path, version: str, fail_with: str = "") -> Path:
    script = tmp_path / "fake-gitleaks"
    body = (
        f'echo "{fail_with}" >&2; exit 1'
        if fail_with
        else (
            'while [ $# -gt 0 ]; do if [ "$1" = "--report-path" ]; then echo "[]" > "$2"; fi; shift; done'
        )
    )
    script.write_text(
        f'#!/bin/sh\nif [ "$1" = version ]; then echo {version}; exit 0; fi\n{body}\n'
    )
    script.chmod(0o755)
    return script


def test_user_gitleaks_with_another_version_warns(tmp_path: Path) -> None:
    fake = _fake_gitleaks(tmp_path, "8.0.0")
    root = project(tmp_path, {"a.py": "x = 1\n"})
    result = run_stage(
        SecretsStage, root, tmp_path, engines=["lockgate", "gitleaks"], gitleaks_path=str(fake)
    )
    assert result.status is Status.WARNED
    assert "your gitleaks is 8.0.0, lockgate is tested with 8.30.1" in result.summary
    assert ("gitleaks", "8.0.0") in result.tool_versions


def test_failing_engine_warns_and_its_output_is_scrubbed(tmp_path: Path) -> None:
    token = make_canaries(11)["github"]
    fake = _fake_gitleaks(tmp_path, "8.30.1", fail_with=f"fatal: bad token {token}")
    root = project(tmp_path, {"a.py": "x = 1\n"})
    result = run_stage(
        SecretsStage, root, tmp_path, engines=["lockgate", "gitleaks"], gitleaks_path=str(fake)
    )
    assert result.status is Status.WARNED
    assert "gitleaks dir exited 1" in result.summary and "[REDACTED]" in result.summary
    assert_no_canaries([repr(result)], [token])


@pytest.mark.parametrize("path", ["nope", "/bin/false"])
def test_configured_gitleaks_that_cannot_run_is_unchecked_never_clean(
    tmp_path: Path, path: str
) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    chosen = str(tmp_path / path) if path == "nope" else path
    result = run_stage(SecretsStage, root, tmp_path, gitleaks_path=chosen)
    assert result.status is Status.WARNED
    (item,) = [u for u in result.unchecked if u.what.startswith("gitleaks")]
    assert item.fix and "LOCKGATE_GITLEAKS_BIN" in item.fix
    assert "gitleaks" in result.summary


def test_over_long_gitleaks_path_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from lockgate.cli.main import main

    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "lockgate.toml").write_text(
        f'[stages.secrets]\ngitleaks_path = "/usr/{"x" * 300}/gitleaks"\n'
    )
    assert main(["run", str(root), "--only", "secrets"]) == 2
    err = capsys.readouterr().err
    assert "gitleaks_path" in err and "lockgate.toml" in err and "Traceback" not in err


def test_upstream_inline_allow_comments_do_not_hide_findings(tmp_path: Path) -> None:
    stripe = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc"
    root = project(
        tmp_path,
        {
            "pay.py": f'KEY = "{stripe}"  # gitleaks:allow\n'
            f'OTHER = "{stripe[:-4]}Zq7W"  # pragma: allowlist secret\n',
            ".gitleaksignore": "pay.py:stripe-access-token:1\n",
        },
    )
    result = run_stage(SecretsStage, root, tmp_path, engines=["detect-secrets", "gitleaks"])
    found = {(f.tool, f.location.start_line) for f in result.findings if f.location}
    assert ("gitleaks", 2) in found  # gitleaks:allow is ignored
    assert ("detect-secrets", 1) in found  # .gitleaksignore hid it from gitleaks, not from lockgate
    assert "gitleaks-ignore-file" in {f.rule_id for f in result.findings}
    assert all(f.state is FindingState.OPEN for f in result.findings)
    ds_only = run_stage(SecretsStage, root, tmp_path / "ds", engines=["detect-secrets"])
    assert {f.location.start_line for f in ds_only.findings if f.location} == {1, 2}


def test_hostile_file_names_in_tree_and_history(tmp_path: Path) -> None:
    values = make_canaries(12)
    names = ['we ird "name".py', "-starts-with-dash.py", "ünï cödé.env"]
    root = project(tmp_path, {n: f'K = "{values["github"]}"\n' for n in names})
    for n in names:
        (root / n).unlink()
    git(root, "commit", "-qam", "remove")
    (root / "-starts-with-dash.py").write_text(f'K = "{values["github"]}"\n')
    result = run_stage(SecretsStage, root, tmp_path, history=True)
    assert {f.location.path for f in result.findings if f.location} == set(names)
    tree = [f for f in result.findings if "git-history" not in f.tags]
    assert [f.location.path for f in tree if f.location] == ["-starts-with-dash.py"]


def test_status_rules_never_claim_clean_for_what_was_not_read(tmp_path: Path) -> None:
    stage = SecretsStage()
    gone = Unchecked("gitleaks dir", "gitleaks exited 2")
    assert stage._status(Outcome(engines_ok=1), [], [gone]) is Status.WARNED
    assert stage._status(Outcome(engines_ok=1), [], []) is Status.PASSED
    assert stage._status(Outcome(engines_ok=0), [], []) is Status.ERROR
    root = project(tmp_path, {"big.txt": "x" * 3000 + "\n", "ok.py": "x = 1\n"})
    result = run_stage(SecretsStage, root, tmp_path, max_file_size=2000, **OWN)
    (files,) = result.unchecked
    assert files.count == 1 and "big.txt" in files.reason and result.status is Status.WARNED


def test_history_range_from_environment_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    monkeypatch.setenv("LG_TEST_AFTER", "HEAD")
    monkeypatch.delenv("LG_TEST_BEFORE", raising=False)
    result = run_stage(
        SecretsStage, root, tmp_path, history_range="$LG_TEST_BEFORE..$LG_TEST_AFTER", **OWN
    )
    assert result.status is Status.WARNED and "are the variables set?" in result.summary
    monkeypatch.setenv("LG_TEST_BEFORE", "0" * 40)
    result = run_stage(
        SecretsStage, root, tmp_path / "2", history_range="$LG_TEST_BEFORE..$LG_TEST_AFTER", **OWN
    )
    assert result.status is Status.PASSED and "history HEAD" in result.summary
    option = next(o for o in SecretsStage.options if o.name == "history_range")
    assert option.validate("--output=/tmp/x") is not None


def test_ci_pushed_range_is_read_from_github_and_gitlab(tmp_path: Path) -> None:
    from lockgate.stages.secrets import pushed_range

    assert pushed_range({}) == ""
    assert pushed_range({"CI_COMMIT_BEFORE_SHA": "a1", "CI_COMMIT_SHA": "b2"}) == "a1..b2"
    event = tmp_path / "event.json"
    event.write_text('{"before": "c3", "after": "d4"}')
    github = {"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event)}
    assert pushed_range(github) == "c3..d4"
    assert pushed_range({**github, "GITHUB_EVENT_NAME": "pull_request"}) == ""
    event.write_text("not json")
    assert pushed_range(github) == ""


def test_excluded_files_are_not_reported_from_the_history_either(tmp_path: Path) -> None:
    token = make_canaries(31)["github"]
    root = project(tmp_path, {"fixtures/fake.env": f"TOKEN={token}\n", "app.py": "x = 1\n"})
    excluded = run_stage(
        SecretsStage,
        root,
        tmp_path / "1",
        history=True,
        exclude=["fixtures/**"],
        engines=["lockgate", "gitleaks"],
    )
    assert excluded.status is Status.PASSED, excluded.summary
    assert not excluded.findings
    included = run_stage(SecretsStage, root, tmp_path / "2", history=True, **OWN)
    assert [f.location.path for f in included.findings] == ["fixtures/fake.env"]


def test_default_engines_are_lockgate_and_gitleaks_and_paranoid_adds_detect_secrets(
    tmp_path: Path,
) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    standard = run_stage(SecretsStage, root, tmp_path / "s")
    assert {t for t, _ in standard.tool_versions} == {"lockgate-secret-rules", "gitleaks"}
    paranoid = run_stage(SecretsStage, root, tmp_path / "p", profile="paranoid")
    assert "detect-secrets" in {t for t, _ in paranoid.tool_versions}


def _sri(n: int) -> str:
    import base64

    return "sha512-" + base64.b64encode(bytes((n * 7 + i) % 256 for i in range(64))).decode()


def test_lock_file_integrity_hashes_are_not_secrets_in_any_engine(tmp_path: Path) -> None:
    pnpm = "lockfileVersion: '9.0'\npackages:\n" + "".join(
        f"  pkg{n}@1.0.{n}:\n    resolution: {{integrity: {_sri(n)}}}\n" for n in range(30)
    )
    npm = json.dumps(
        {"packages": {f"node_modules/p{n}": {"integrity": _sri(n + 50)} for n in range(30)}},
        indent=2,
    )
    html = f'<script src="vue.js" integrity="{_sri(99)}"></script>\n'
    root = project(
        tmp_path, {"pnpm-lock.yaml": pnpm, "package-lock.json": npm, "docs/index.html": html}
    )
    result = run_stage(SecretsStage, root, tmp_path, profile="paranoid")
    assert result.findings == (), [(f.rule_id, f.where) for f in result.findings]
    assert metric(result, "values_allowlisted") >= 30  # detect-secrets' entropy hits, dropped


def test_generic_keyword_hits_on_code_are_not_secrets(tmp_path: Path) -> None:
    code = (
        "def f(obj, prop):\n"
        "    return get(\n"
        "        obj, prop.key, passive=attributes.PASSIVE_NO_INITIALIZE\n"
        "    )\n"
        "def g(cls, ctx):\n"
        "    return scan(cls, ctx.api, is_mixin_scan=True)\n"
    )
    root = project(tmp_path, {"lib/orm.py": code})
    result = run_stage(SecretsStage, root, tmp_path, engines=["gitleaks"])
    assert result.findings == ()
    assert metric(result, "values_allowlisted") >= 1  # gitleaks did report them


@pytest.mark.parametrize("folder", ["build", "dist", ".tox", "node_modules", ".terraform"])
def test_tracked_files_are_scanned_in_any_folder_untracked_build_output_is_not(
    tmp_path: Path, folder: str
) -> None:
    token = make_canaries(41)["github"]
    root = project(tmp_path, {f"doc/{folder}/conf.env": f"TOKEN={token}\n"})
    (root / "out").mkdir()
    (root / folder / "gen").mkdir(parents=True)
    (root / folder / "gen" / "bundle.env").write_text(f"TOKEN={token}\n")  # untracked output
    result = run_stage(SecretsStage, root, tmp_path, **OWN)
    assert [f.where for f in result.findings] == [f"doc/{folder}/conf.env:1"]


@pytest.mark.parametrize("bad", ["nosuchbranch..HEAD", "HEAD~5..HEAD", "deadbeef"])
def test_history_range_git_rejects_is_unchecked_not_silently_head(tmp_path: Path, bad: str) -> None:
    token = make_canaries(42)["github"]
    root = project(tmp_path, {"old.env": f"TOKEN={token}\n"})
    git(root, "rm", "-q", "old.env")
    git(root, "commit", "-qm", "remove")
    result = run_stage(SecretsStage, root, tmp_path, history_range=bad)
    assert result.status is Status.WARNED
    assert result.findings == ()  # HEAD's history holds the token: it was not scanned instead
    (item,) = result.unchecked
    assert "git history" in item.what and "fetch" in item.fix
    good = run_stage(SecretsStage, root, tmp_path / "ok", history_range="HEAD~1..HEAD")
    assert good.status is Status.PASSED and good.unchecked == ()


def test_example_credentials_are_info_and_never_fail_the_gate(tmp_path: Path) -> None:
    from lockgate.engine.gate import apply_gate
    from lockgate.model import Severity
    from lockgate.stages.interface import Gate

    root = project(
        tmp_path,
        {
            "docs/engines.rst": "    engine = create_engine('postgresql://scott:tiger@localhost/test')\n",
            "README.md": "Set `DATABASE_URL=mysql://user:pass@example.com/db`.\n",
            "tests/test_db.py": f'DSN = "postgresql://svc:{make_canaries(43)["db_password"]}@pg14/t"\n',
        },
    )
    result = run_stage(SecretsStage, root, tmp_path, **OWN)
    assert {f.rule_id for f in result.findings} == {"example-credential"}
    assert {f.severity for f in result.findings} == {Severity.INFO}
    assert metric(result, "example_credentials") == 3 and metric(result, "secrets_found") == 0
    assert apply_gate(result, Gate()).status is Status.PASSED
    raised = run_stage(SecretsStage, root, tmp_path / "hi", example_severity="high", **OWN)
    assert apply_gate(raised, Gate()).status is Status.FAILED


def test_value_ids_are_keyed_per_project_and_stable_within_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    monkeypatch.delenv("LOCKGATE_SECRETS_KEY", raising=False)
    password = "tiger7Rq2LpX"  # weak enough to guess from an unkeyed hash
    text = f'DB = "postgresql://app:{password}@db.corp.net/app"\n'
    root = project(tmp_path, {"a.py": text})
    first = run_stage(SecretsStage, root, tmp_path / "1", **OWN).findings[0]
    again = run_stage(SecretsStage, root, tmp_path / "2", **OWN).findings[0]
    assert first.fingerprint == again.fingerprint  # a baseline keeps matching
    key = root / ".lockgate" / "secrets.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert subprocess.run(["git", "check-ignore", "-q", str(key)], cwd=root).returncode == 0
    unkeyed = hashlib.sha256(password.encode()).hexdigest()
    assert unkeyed[:12] not in first.message and password not in first.message
    (tmp_path / "clone").mkdir()
    other = project(tmp_path / "clone", {"a.py": text})
    elsewhere = run_stage(SecretsStage, other, tmp_path / "3", **OWN).findings[0]
    assert elsewhere.fingerprint != first.fingerprint  # another key: guesses cannot be tested
    monkeypatch.setenv("LOCKGATE_SECRETS_KEY", key.read_text().strip())
    in_ci = run_stage(SecretsStage, other, tmp_path / "4", **OWN).findings[0]
    assert in_ci.fingerprint == first.fingerprint  # CI with the project's key matches


def test_a_committed_value_key_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOCKGATE_SECRETS_KEY", raising=False)
    root = project(tmp_path, {"a.py": "x = 1\n"})
    run_stage(SecretsStage, root, tmp_path / "1", **OWN)
    git(root, "add", "-f", ".lockgate/secrets.key")
    result = run_stage(SecretsStage, root, tmp_path / "2", **OWN)
    assert [f.rule_id for f in result.findings] == ["secrets-key-in-git"]

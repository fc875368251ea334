"""The naming stage on sample projects: findings with suggestions, clean trees, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.model import Status
from lockgate.stages.naming import NamingStage
from tests.testing.harness import EXAMPLES, copy_project, make_context

BAD = 'resource "aws_s3_bucket" "Rents_Bucket" {\n  bucket = "Rents_Bucket_PROD"\n}\n'
GOOD = 'resource "aws_s3_bucket" "rents" {\n  bucket = "rents-production"\n}\n'


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "rents"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def run(root: Path, tmp_path: Path, config: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    ctx = make_context(NamingStage, root, tmp_path / "artifacts", config=config)
    return NamingStage().run(ctx)


def test_badly_named_bucket_gets_findings_with_a_suggested_name(tmp_path: Path) -> None:
    result = run(project(tmp_path, {"infra/main.tf": BAD}), tmp_path)
    by_rule = {(f.rule_id, f.location.path, f.location.start_line) for f in result.findings}  # type: ignore[union-attr]
    assert by_rule == {
        ("naming-casing", "infra/main.tf", 1),  # the label
        ("naming-casing", "infra/main.tf", 2),  # the bucket name
        ("naming-abbreviation", "infra/main.tf", 2),
        ("naming-platform-limit", "infra/main.tf", 2),
    }
    bucket = [f for f in result.findings if f.location and f.location.start_line == 2]
    assert all("rename it to 'rents-bucket-production'" in f.message for f in bucket)
    assert all("aws_s3_bucket.Rents_Bucket bucket" in f.message for f in bucket)
    assert result.status is Status.PASSED  # the gate turns open findings into a failure


def test_correctly_named_bucket_gets_none(tmp_path: Path) -> None:
    result = run(project(tmp_path, {"infra/main.tf": GOOD}), tmp_path)
    assert result.findings == () and result.status is Status.PASSED, result.summary
    assert not result.unchecked


def test_unparsable_terraform_is_unchecked_never_passed(tmp_path: Path) -> None:
    result = run(project(tmp_path, {"main.tf": GOOD, "broken.tf": 'resource "x" {\n'}), tmp_path)
    assert result.status is Status.WARNED
    [unread] = result.unchecked
    assert unread.what.startswith("broken.tf") and "HCL" in unread.reason and unread.fix


def test_org_policy_from_lockgate_toml(tmp_path: Path) -> None:
    tf = 'resource "aws_s3_bucket" "rents" {\n  bucket = "rents-production"\n  tags = { Service = "rents" }\n}\n'
    config = {
        "naming": {
            "required_tags": ["Service", "Owner"],
            "templates": {"terraform-name": "{service}-{environment}-{suffix}"},
        }
    }
    result = run(project(tmp_path, {"main.tf": tf}), tmp_path, config)
    assert {f.rule_id for f in result.findings} == {"naming-required-tags", "naming-template"}


def test_example_service_follows_the_default_policy(tmp_path: Path) -> None:
    root = copy_project(EXAMPLES / "tenancy-api", tmp_path / "tenancy-api")
    result = run(root, tmp_path, {"project": {"name": "tenancy-api"}})
    assert result.findings == (), [f.message for f in result.findings]
    # its Terraform names are built from variables: counted as not fully checked, never "passed"
    assert result.status is Status.WARNED
    assert [u.what for u in result.unchecked] == ["names built from expressions"]


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[naming]\ntemplates = { terraform-name = "{service}-{env}" }\n', "{env}"),
        ('[naming]\ncasing = "screaming"\n', "casing"),
        ('[naming]\ncasing_by_kind = { bucket = "kebab" }\n', "unknown kind 'bucket'"),
    ],
)
def test_bad_policy_is_a_config_error_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str, expected: str
) -> None:
    from lockgate.cli.main import main

    root = project(tmp_path, {"main.tf": GOOD, "lockgate.toml": toml})
    assert main(["run", str(root), "--only", "naming"]) == 2
    err = capsys.readouterr().err
    assert "lockgate.toml:2" in err and expected in err and "Traceback" not in err


def test_run_reports_the_done_when_bucket(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from lockgate.cli.main import main

    root = project(tmp_path, {"main.tf": BAD})
    assert main(["run", str(root), "--only", "naming"]) == 1
    assert "rents-bucket-production" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("resource", "unchecked"),
    [
        ('"aws_cloudwatch_log_group" "logs" {\n  name = "/ecs/${var.name}"\n}', False),
        ('"aws_s3_bucket" "rents" {\n  bucket = "${var.name}-production"\n}', True),  # S3 limits
    ],
)
def test_computed_names_are_unchecked_only_where_a_limit_applies(
    tmp_path: Path, resource: str, unchecked: bool
) -> None:
    result = run(project(tmp_path, {"main.tf": f"resource {resource}\n"}), tmp_path)
    assert result.findings == ()
    assert bool(result.unchecked) is unchecked
    assert result.status is (Status.WARNED if unchecked else Status.PASSED)


@pytest.mark.parametrize(
    ("env", "flagged"),
    [
        ({"url": "http://127.0.0.1:8080/"}, False),
        ({"url": "http://localhost:8080/"}, False),
        ({"url": "https://rents.staging.example.gov.uk/"}, False),
        ({"host": "rents-staging.apps.internal"}, False),
        ({"url": "https://payments.staging.example.gov.uk/"}, True),
        ({"host": "Payments.example"}, True),
    ],
)
def test_environment_hosts_share_the_service_name(
    tmp_path: Path, env: dict[str, str], flagged: bool
) -> None:
    key, value = next(iter(env.items()))
    toml = f'[project]\nname = "rents"\n\n[environments.staging]\n{key} = "{value}"\n'
    root = project(tmp_path, {"lockgate.toml": toml})
    config = {"project": {"name": "rents"}, "environments": {"staging": env}}
    result = run(root, tmp_path, config)
    shared = [f for f in result.findings if f.rule_id == "naming-shared-name"]
    assert bool(shared) is flagged
    if flagged:
        assert shared[0].where == "lockgate.toml:5"

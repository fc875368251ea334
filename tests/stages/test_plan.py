"""The plan stage against a fake terraform printing real plan outputs (Terraform 1.11's own text)."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest

from lockgate.config.loader import load_config
from lockgate.model import Severity, StageResult, Status
from lockgate.stages.interface import Gate
from lockgate.stages.plan import PlanStage
from lockgate.stages.registry import all_stages
from tests.testing.harness import make_context, run_stage

SECRET = "AKIA" + "IOSFODNN7EXAMPLQ"  # split so no scanner takes this file for a leak

INIT_OUT = "Initializing the backend...\n\nTerraform has been successfully initialized!\n"
REFRESH = "terraform_data.a: Refreshing state... [id=b99016a3-353d-ecad-6e7a-927cc647ecaf]\n\n"
NO_CHANGES = (
    REFRESH + "No changes. Your infrastructure matches the configuration.\n\n"
    "Terraform has compared your real infrastructure against your configuration\n"
    "and found no differences, so no changes are needed.\n"
)
ADDS = """
Terraform used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  + create

Terraform will perform the following actions:

  # terraform_data.a will be created
  + resource "terraform_data" "a" {
      + id     = (known after apply)
      + input  = "hello"
    }

  # terraform_data.b will be created
  + resource "terraform_data" "b" {
      + id     = (known after apply)
      + input  = "world"
    }

Plan: 2 to add, 0 to change, 0 to destroy.

Changes to Outputs:
  + key = "SECRET"
"""
DESTROYS = (
    REFRESH
    + """Terraform used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  ~ update in-place
  - destroy
-/+ destroy and then create replacement

Terraform will perform the following actions:

  # terraform_data.a will be updated in-place
  ~ resource "terraform_data" "a" {
      ~ input  = "hello" -> "changed"
    }

  # terraform_data.b will be destroyed
  # (because terraform_data.b is not in configuration)
  - resource "terraform_data" "b" {
      - input  = "world" -> null
    }

  # module.db.terraform_data.c must be replaced
-/+ resource "terraform_data" "c" {
      ~ id               = "d4bb32a1" -> (known after apply)
    }

Plan: 1 to add, 1 to change, 2 to destroy.
"""
)
OUTPUTS_ONLY = (
    REFRESH + 'Changes to Outputs:\n  + y = "new"\n\nYou can apply this plan to save these new '
    "output values to the Terraform\nstate, without changing any real infrastructure.\n"
)
FAILURE = """
Error: error configuring S3 Backend: no valid credential sources found

  with provider["registry.terraform.io/hashicorp/aws"],
  on main.tf line 1, in provider "aws":
   1: provider "aws" {

access_key = "SECRET" was rejected
"""


def fake_tool(
    bin_dir: Path,
    name: str = "terraform",
    *,
    plan: str = NO_CHANGES,
    plan_rc: int = 0,
    stderr: str = "",
    init_rc: int = 0,
) -> Path:
    """A `terraform` on PATH answering `init` and `plan` as the real one does; it logs every call
    (folder, TF_DATA_DIR, arguments) beside itself. Shell builtins only: PATH holds nothing else."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    log = bin_dir / f"{name}.log"
    out = shlex.quote(plan.replace("SECRET", SECRET))
    err = shlex.quote(stderr.replace("SECRET", SECRET))
    script = f"""#!/bin/sh
printf '%s|%s|%s\\n' "$PWD" "$TF_DATA_DIR" "$*" >> {shlex.quote(str(log))}
if [ "$1" = init ]; then
  printf '%s' {shlex.quote(INIT_OUT)}
  [ {init_rc} -eq 0 ] || printf '%s' {err} >&2
  exit {init_rc}
fi
printf '%s' {out}
printf '%s' {err} >&2
exit {plan_rc}
"""
    path = bin_dir / name
    path.write_text(script, encoding="utf-8")
    path.chmod(0o755)
    return log


def calls(log: Path) -> list[tuple[str, str, str]]:
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [(a, b, c) for a, b, c in (line.split("|", 2) for line in lines)]


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty PATH of its own: no real terraform or tofu is found unless a test puts a fake."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    for name in ("LOCKGATE_TERRAFORM_BIN", "LOCKGATE_TOFU_BIN", "TF_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    return folder


def project(root: Path, *folders: str) -> Path:
    for folder in folders:
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "main.tf").write_text('resource "terraform_data" "a" {}\n')
    root.mkdir(parents=True, exist_ok=True)
    return root


def artifacts_text(tmp_path: Path, result: StageResult) -> str:
    folder = tmp_path / "artifacts" / "plan"
    return "\n".join((folder / name).read_text(encoding="utf-8") for name in result.artifacts)


def metrics(result: StageResult) -> dict[str, float]:
    return {m.name: m.value for m in result.metrics}


# --- the default command ------------------------------------------------------------------------


def test_no_changes_passes_after_init_then_plan_in_each_root_module(
    tmp_path: Path, bin_dir: Path
) -> None:
    log = fake_tool(bin_dir)
    root = project(tmp_path / "p", ".", "envs/prod", "modules/vpc", "envs/prod/modules/db")
    result = run_stage(PlanStage, root, tmp_path)
    assert result.status is Status.PASSED and result.findings == () and result.unchecked == ()
    assert metrics(result) == {
        "plans": 2,
        "plans_failed": 0,
        "resources_to_add": 0,
        "resources_to_change": 0,
        "resources_to_destroy": 0,
    }
    init = "init -input=false -no-color"
    plan = "plan -input=false -lock=false -no-color -detailed-exitcode"
    data = root.resolve() / ".lockgate" / "terraform"
    assert calls(log) == [
        (str(root.resolve()), str(data / "root"), init),
        (str(root.resolve()), str(data / "root"), plan),
        (str(root.resolve() / "envs/prod"), str(data / "envs__prod"), init),
        (str(root.resolve() / "envs/prod"), str(data / "envs__prod"), plan),
    ]
    assert len(result.artifacts) == 2 and "No changes." in artifacts_text(tmp_path, result)
    assert result.summary == "2 of 2 root modules planned (0 to add, 0 to change, 0 to destroy)"


def test_a_lock_file_is_kept_as_it_is(tmp_path: Path, bin_dir: Path) -> None:
    log = fake_tool(bin_dir)
    root = project(tmp_path / "p", ".")
    (root / ".terraform.lock.hcl").write_text("# locked\n")
    run_stage(PlanStage, root, tmp_path)
    assert calls(log)[0][2] == "init -input=false -no-color -lockfile=readonly"


def test_changes_are_counted_and_exit_2_is_not_a_failure(tmp_path: Path, bin_dir: Path) -> None:
    fake_tool(bin_dir, plan=ADDS, plan_rc=2)
    result = run_stage(PlanStage, project(tmp_path / "p", "."), tmp_path)
    assert result.status is Status.PASSED and result.findings == ()
    assert metrics(result)["resources_to_add"] == 2
    assert "Plan: 2 to add" in artifacts_text(tmp_path, result)


def test_a_plan_changing_only_outputs_is_recognised(tmp_path: Path, bin_dir: Path) -> None:
    fake_tool(bin_dir, plan=OUTPUTS_ONLY, plan_rc=2)
    result = run_stage(PlanStage, project(tmp_path / "p", "."), tmp_path)
    assert result.status is Status.PASSED and result.unchecked == ()


def test_destroys_are_a_medium_finding_naming_the_resources(tmp_path: Path, bin_dir: Path) -> None:
    fake_tool(bin_dir, plan=DESTROYS, plan_rc=2)
    root = project(tmp_path / "p", "infra/prod")
    result = run_stage(PlanStage, root, tmp_path)
    [finding] = result.findings
    assert finding.severity is Severity.MEDIUM and finding.rule_id == "plan-destroys"
    assert finding.message == (
        "the plan destroys 2 resources in infra/prod: terraform_data.b, module.db.terraform_data.c"
    )
    assert finding.tool == "terraform"
    assert metrics(result)["resources_to_destroy"] == 2
    assert metrics(result)["resources_to_change"] == 1


def test_destroys_pass_when_fail_on_destroy_is_off(tmp_path: Path, bin_dir: Path) -> None:
    fake_tool(bin_dir, plan=DESTROYS, plan_rc=2)
    root = project(tmp_path / "p", ".")
    result = run_stage(PlanStage, root, tmp_path, fail_on_destroy=False)
    assert result.findings == () and metrics(result)["resources_to_destroy"] == 2


def test_a_failing_plan_is_a_high_finding_with_the_exit_code_and_the_last_lines(
    tmp_path: Path, bin_dir: Path
) -> None:
    fake_tool(bin_dir, plan="", plan_rc=1, stderr=FAILURE)
    result = run_stage(PlanStage, project(tmp_path / "p", "envs/dev"), tmp_path)
    [finding] = result.findings
    assert finding.severity is Severity.HIGH and finding.rule_id == "plan-failed"
    assert finding.message.startswith("`terraform plan` exited 1 in envs/dev:\n")
    assert "no valid credential sources found" in finding.message
    assert metrics(result)["plans_failed"] == 1 and metrics(result)["plans"] == 0
    assert "1 failed" in result.summary


def test_a_failing_init_stops_before_the_plan(tmp_path: Path, bin_dir: Path) -> None:
    log = fake_tool(bin_dir, init_rc=1, stderr="Error: Failed to query available provider\n")
    result = run_stage(PlanStage, project(tmp_path / "p", "."), tmp_path)
    [finding] = result.findings
    assert finding.message.startswith("`terraform init` exited 1 in the project root:")
    assert [c[2].split()[0] for c in calls(log)] == ["init"]


def test_an_exit_code_other_than_0_or_2_fails(tmp_path: Path, bin_dir: Path) -> None:
    fake_tool(bin_dir, plan=ADDS, plan_rc=3)
    result = run_stage(PlanStage, project(tmp_path / "p", "."), tmp_path)
    assert [f.rule_id for f in result.findings] == ["plan-failed"]
    assert "exited 3" in result.findings[0].message


def test_a_secret_in_the_output_reaches_no_artifact_and_no_finding(
    tmp_path: Path, bin_dir: Path
) -> None:
    fake_tool(bin_dir, plan=ADDS, plan_rc=2)
    ok = run_stage(PlanStage, project(tmp_path / "p", "."), tmp_path)
    assert "[REDACTED]" in artifacts_text(tmp_path, ok)
    fake_tool(bin_dir, plan="", plan_rc=1, stderr=FAILURE)
    failed = run_stage(PlanStage, project(tmp_path / "q", "."), tmp_path)
    assert "[REDACTED]" in failed.findings[0].message
    for result in (ok, failed):
        assert SECRET not in artifacts_text(tmp_path, result)
        assert SECRET not in repr(result)


def test_a_plan_out_of_time_is_a_failure(tmp_path: Path, bin_dir: Path) -> None:
    script = bin_dir / "terraform"
    script.write_text("#!/bin/sh\nexec /bin/sleep 600\n")  # stopped by the stage's time limit
    script.chmod(0o755)
    root = project(tmp_path / "p", ".")
    ctx = make_context(PlanStage, root, tmp_path / "a", gate=Gate(timeout=1.0))
    result = PlanStage().run(ctx)
    assert "`terraform init` timed out in the project root" in result.findings[0].message


# --- which program ------------------------------------------------------------------------------


def test_without_terraform_or_tofu_the_plan_is_unchecked_never_passed(
    tmp_path: Path, bin_dir: Path
) -> None:
    result = run_stage(PlanStage, project(tmp_path / "p", "."), tmp_path)
    assert result.status is Status.WARNED and result.findings == ()
    [item] = result.unchecked
    assert item.reason == "terraform plan not run: neither terraform nor tofu is installed"
    assert "[stages.plan] command" in item.fix


def test_a_chosen_binary_that_is_missing_is_named(tmp_path: Path, bin_dir: Path) -> None:
    fake_tool(bin_dir, "terraform")
    result = run_stage(PlanStage, project(tmp_path / "p", "."), tmp_path, binary="tofu")
    assert result.status is Status.WARNED
    assert result.unchecked[0].reason == "terraform plan not run: tofu is not installed"


def test_tofu_plans_when_terraform_is_not_installed(tmp_path: Path, bin_dir: Path) -> None:
    log = fake_tool(bin_dir, "tofu", plan=DESTROYS, plan_rc=2)
    result = run_stage(PlanStage, project(tmp_path / "p", "."), tmp_path)
    assert len(calls(log)) == 2 and result.findings[0].tool == "tofu"


# --- the team's own command ---------------------------------------------------------------------


def test_a_command_without_dir_runs_once_at_the_project_root(tmp_path: Path, bin_dir: Path) -> None:
    log = fake_tool(bin_dir, "make", plan=ADDS + DESTROYS, plan_rc=0)
    root = project(tmp_path / "p", "envs/a", "envs/b")
    result = run_stage(PlanStage, root, tmp_path, command=["make", "plan"])
    assert calls(log) == [(str(root), "", "plan")]
    assert result.artifacts == ("plan.txt",)
    assert metrics(result)["resources_to_add"] == 3 and metrics(result)["resources_to_destroy"] == 2
    assert result.findings[0].message.startswith(
        "the plan destroys 2 resources in the project root"
    )
    assert result.findings[0].tool == "make"


def test_a_command_naming_dir_runs_once_per_root_module(tmp_path: Path, bin_dir: Path) -> None:
    log = fake_tool(bin_dir, "plan-all")
    root = project(tmp_path / "p", "envs/a", "envs/b")
    art = tmp_path / "artifacts" / "plan"
    result = run_stage(PlanStage, root, tmp_path, command=["plan-all", "{dir}", "{artifacts}"])
    assert [c[2] for c in calls(log)] == [
        f"{root.resolve() / 'envs/a'} {art}",
        f"{root.resolve() / 'envs/b'} {art}",
    ]
    assert result.status is Status.PASSED and len(result.artifacts) == 2


def test_exit_2_of_a_command_without_detailed_exitcode_is_a_failure(
    tmp_path: Path, bin_dir: Path
) -> None:
    fake_tool(bin_dir, "make", plan="", plan_rc=2, stderr="make: *** [plan] Error 1\n")
    result = run_stage(PlanStage, project(tmp_path / "p", "."), tmp_path, command=["make", "plan"])
    assert result.findings[0].message == (
        "`make plan` exited 2 in the project root:\nmake: *** [plan] Error 1"
    )


def test_a_command_whose_output_says_nothing_of_a_plan_is_unchecked(
    tmp_path: Path, bin_dir: Path
) -> None:
    fake_tool(bin_dir, "make", plan="all done\n")
    result = run_stage(PlanStage, project(tmp_path / "p", "."), tmp_path, command=["make", "plan"])
    assert result.status is Status.WARNED
    assert "no 'Plan: ...' or 'No changes.' line" in result.unchecked[0].reason


def test_a_command_that_is_not_installed_is_unchecked(tmp_path: Path, bin_dir: Path) -> None:
    result = run_stage(PlanStage, project(tmp_path / "p", "."), tmp_path, command=["make", "plan"])
    assert result.status is Status.WARNED and result.findings == ()
    assert "make is not installed" in result.unchecked[0].reason
    assert result.artifacts == ()


# --- which folders ------------------------------------------------------------------------------


def test_given_dirs_are_planned_and_a_wrong_one_is_unchecked(tmp_path: Path, bin_dir: Path) -> None:
    log = fake_tool(bin_dir)
    root = project(tmp_path / "p", "envs/a", "envs/b", "modules/x")
    (root / "docs").mkdir()
    result = run_stage(
        PlanStage, root, tmp_path, dirs=["modules/x", "docs", "../elsewhere", "nowhere"]
    )
    assert {c[0] for c in calls(log)} == {str(root.resolve() / "modules/x")}
    assert [(u.what, u.reason) for u in result.unchecked] == [
        ("plan of docs", "no .tf files in it"),
        ("plan of ../elsewhere", "not a folder inside the project"),
        ("plan of nowhere", "not a folder inside the project"),
    ]
    assert result.status is Status.WARNED


def test_no_terraform_files_skip_the_stage(tmp_path: Path, bin_dir: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "app.py").write_text("print('hi')\n")
    result = run_stage(PlanStage, tmp_path / "p", tmp_path)
    assert result.status is Status.SKIPPED
    assert result.summary == "no Terraform files (*.tf, *.tf.json) in the project"


def test_a_repository_of_modules_only_is_skipped_with_the_way_to_plan_it(
    tmp_path: Path, bin_dir: Path
) -> None:
    fake_tool(bin_dir)
    result = run_stage(PlanStage, project(tmp_path / "p", "modules/a", "modules/b"), tmp_path)
    assert result.status is Status.SKIPPED and "[stages.plan] dirs" in result.summary


# --- configuration ------------------------------------------------------------------------------


def test_disabled_by_default_and_enabled_by_the_terraform_pack(tmp_path: Path) -> None:
    plain = project(tmp_path / "plain", ".")
    assert not load_config(plain).stages["plan"].enabled
    infra = project(tmp_path / "infra", ".")
    (infra / "lockgate.toml").write_text('extends = ["terraform@1"]\n')
    config = load_config(infra)
    assert config.stages["plan"].enabled and config.warnings == ()
    assert config.origins["stages.plan.enabled"].startswith("terraform@1:")


def test_the_stage_is_registered() -> None:
    assert all_stages()["plan"] is PlanStage


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_a_real_terraform_plans_a_module_without_providers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # terraform_data is built into terraform: nothing is downloaded
    monkeypatch.setenv("CHECKPOINT_DISABLE", "1")
    monkeypatch.delenv("TF_DATA_DIR", raising=False)
    root = tmp_path / "p"
    root.mkdir()
    (root / "main.tf").write_text('resource "terraform_data" "a" {\n  input = "x"\n}\n')
    result = run_stage(PlanStage, root, tmp_path, binary="terraform")
    assert result.findings == () and metrics(result)["resources_to_add"] == 1
    assert "Plan: 1 to add, 0 to change, 0 to destroy." in artifacts_text(tmp_path, result)

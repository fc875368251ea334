"""`lockgate ci`: GitHub, GitLab and CircleCI files from the stage graph, golden and schema-valid.

Regenerate the golden files after an intended change with `LOCKGATE_UPDATE_GOLDEN=1 pytest tests/ci`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from lockgate import ci
from lockgate.ci.junit_summary import summarise
from lockgate.cli.main import main
from lockgate.errors import ExitCode, LockgateError
from tests.ci.fakes import SECURITY_STAGES, STAGES

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("LOCKGATE_UPDATE_GOLDEN") == "1"
SYSTEMS = list(ci.System)
SERVER = "https://lockgate.example.org"
TEAM = f'[server]\nurl = "{SERVER}/"\n'  # a team server: every run and deploy reports to it
CHECK_JSONSCHEMA = shutil.which("check-jsonschema") or str(
    Path(__file__).resolve().parents[2] / ".venv" / "bin" / "check-jsonschema"
)


def project(tmp_path: Path, config: str = "") -> Path:
    (tmp_path / "lockgate.toml").write_text('[project]\nname = "shop"\n' + config, "utf-8")
    return tmp_path


def schema_errors(system: ci.System, path: Path) -> str | None:
    """None when check-jsonschema (offline, its vendored schema) accepts the file, else its output."""
    done = subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", ci.SCHEMAS[system], str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return None if done.returncode == 0 else done.stdout + done.stderr


def load(system: ci.System, root: Path) -> Any:
    return yaml.safe_load((root / system.path).read_text("utf-8"))


@pytest.mark.parametrize("variant", ["", "team"])
@pytest.mark.parametrize("system", SYSTEMS)
def test_golden_file_and_schema(tmp_path: Path, system: ci.System, variant: str) -> None:
    if variant:
        written = ci.write(system, project(tmp_path, TEAM), stages=SECURITY_STAGES)
    else:
        written = ci.write(system, project(tmp_path), stages=STAGES)
    text = written.read_text("utf-8")
    golden = GOLDEN / f"{system.value}{'-' + variant if variant else ''}.yml"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, "utf-8")
    assert text == golden.read_text("utf-8"), (
        f"{system} changed: review, then LOCKGATE_UPDATE_GOLDEN=1"
    )
    assert schema_errors(system, written) is None


BREAKS = {  # one mistake per system that its schema must reject (so the check above can fail)
    ci.System.GITHUB: ("jobs:", "jobz:"),
    ci.System.GITLAB: ("when: manual", "when: sometimes"),
    ci.System.CIRCLECI: ("version: 2.1", "version: banana"),
}


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_schema_invalid_file_is_caught_by_the_same_check(
    tmp_path: Path, system: ci.System
) -> None:
    written = ci.write(system, project(tmp_path), stages=STAGES)
    old, new = BREAKS[system]
    written.write_text(written.read_text("utf-8").replace(old, new, 1))
    assert schema_errors(system, written) is not None


def test_github_jobs_follow_the_stage_graph(tmp_path: Path) -> None:
    ci.write(ci.System.GITHUB, project(tmp_path), stages=STAGES)
    jobs = load(ci.System.GITHUB, tmp_path)["jobs"]
    assert list(jobs) == [
        "policy",
        "lint",
        "test",
        "secrets",
        "build",
        "deploy",
        "load",
        "production",
    ]
    for independent in ("policy", "lint", "test", "secrets"):
        assert "needs" not in jobs[independent]  # parallel
    assert jobs["build"]["needs"] == ["lint", "test", "secrets"]
    assert jobs["deploy"]["needs"] == ["build"] and jobs["load"]["needs"] == ["deploy"]
    assert jobs["production"]["needs"] == ["load"]
    assert jobs["production"]["environment"] == {"name": "production"}
    steps = jobs["lint"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert "github/codeql-action/upload-sarif@v3" in uses
    cache = next(s for s in steps if s.get("uses") == "actions/cache@v4")
    assert cache["with"]["path"] == ".lockgate/cache\n.venv-tools"
    tools = next(s for s in steps if s.get("name") == "Install pinned tools")
    assert '"$LOCKGATE_TOOLS_DIR/ruff"' in tools["run"] and "ruff==0.17.6" in tools["run"]
    assert "Install pinned tools" not in str(jobs["test"]["steps"])  # needs no scanner
    assert any("GITHUB_STEP_SUMMARY" in s.get("run", "") for s in steps)
    assert any(s.get("run") == "python -m pip install lockgate==0.1.0" for s in steps)


def test_gitlab_reports_needs_and_a_manual_production_job(tmp_path: Path) -> None:
    ci.write(ci.System.GITLAB, project(tmp_path), stages=STAGES)
    doc = load(ci.System.GITLAB, tmp_path)
    assert doc["lint"]["needs"] == [] and doc["build"]["needs"] == ["lint", "test", "secrets"]
    assert doc["test"]["artifacts"]["reports"]["junit"] == "lockgate-reports/test/junit.xml"
    assert doc["test"]["cache"]["paths"] == [".lockgate/cache/", ".venv-tools/"]
    assert doc["variables"]["LOCKGATE_TOOLS_DIR"] == "$CI_PROJECT_DIR/.venv-tools"
    reports = doc["lint"]["artifacts"]["reports"]
    assert reports["codequality"] == "lockgate-reports/lint/gl-code-quality-report.json"
    assert doc["lint"]["after_script"] == [
        "python -m lockgate.ci.gitlab_reports lockgate-reports/lint || true"
    ]
    production = doc["production"]
    assert production["environment"] == {"name": "production"}
    assert production["rules"] == [{"if": '$CI_COMMIT_BRANCH == "main"', "when": "manual"}]


def test_circleci_stores_junit_and_approves_before_production(tmp_path: Path) -> None:
    ci.write(ci.System.CIRCLECI, project(tmp_path), stages=STAGES)
    doc = load(ci.System.CIRCLECI, tmp_path)
    steps = doc["jobs"]["test"]["steps"]
    assert {"store_test_results": {"path": "lockgate-reports/test"}} in steps
    assert any("store_artifacts" in s for s in steps if isinstance(s, dict))
    flow = doc["workflows"]["lockgate"]["jobs"]
    assert "lint" in flow and {"build": {"requires": ["lint", "test", "secrets"]}} in flow
    hold = next(
        j["hold-production"] for j in flow if isinstance(j, dict) and "hold-production" in j
    )
    assert hold["type"] == "approval" and hold["requires"] == ["load"]
    assert {"production": {"requires": ["hold-production"], "filters": hold["filters"]}} in flow


def test_disabled_stages_are_left_out_and_without_deploy_there_is_no_production(
    tmp_path: Path,
) -> None:
    root = project(tmp_path, "[stages.deploy]\nenabled = false\n[stages.test]\nenabled = false\n")
    ci.write(ci.System.GITHUB, root, stages=STAGES)
    jobs = load(ci.System.GITHUB, root)["jobs"]
    assert list(jobs) == ["policy", "lint", "secrets", "load", "build"]
    assert jobs["build"]["needs"] == ["lint", "secrets"]
    assert "needs" not in jobs["load"]  # its prerequisite is not in this pipeline


def test_the_base_branch_comes_from_the_config(tmp_path: Path) -> None:
    ci.write(ci.System.GITHUB, project(tmp_path, ""), stages=STAGES)
    (tmp_path / "lockgate.toml").write_text('[project]\nbase_branch = "trunk"\n', "utf-8")
    ci.write(ci.System.GITHUB, tmp_path, stages=STAGES)
    doc = load(ci.System.GITHUB, tmp_path)
    assert doc["on"]["push"]["branches"] == ["trunk"]
    assert "refs/heads/trunk" in doc["jobs"]["production"]["if"]


def test_a_ci_file_lockgate_did_not_write_is_not_replaced_without_force(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / ".gitlab-ci.yml").write_text("test:\n  script: [make]\n", "utf-8")
    with pytest.raises(LockgateError) as info:
        ci.write(ci.System.GITLAB, root, stages=STAGES)
    assert "was not written by lockgate" in info.value.message and "--force" in (
        info.value.hint or ""
    )
    ci.write(ci.System.GITLAB, root, stages=STAGES, force=True)
    ci.write(ci.System.GITLAB, root, stages=STAGES)  # its own file: regenerated freely


@pytest.mark.parametrize("name", ["jenkins", "GitHubb", ""])
def test_an_unknown_ci_system_exits_2_with_the_known_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    assert main(["ci", name, str(project(tmp_path))]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert f"unknown CI system '{name}'" in err and "github, gitlab, circleci" in err
    assert "Traceback" not in err


def test_cli_writes_the_file_and_stdout_prints_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    assert main(["ci", "circleci", str(root), "--stdout"]) == 0
    assert capsys.readouterr().out.startswith("# Generated by `lockgate ci circleci`")
    assert not (root / ".circleci").exists()
    assert main(["ci", "gitlab", str(root)]) == 0
    assert (root / ".gitlab-ci.yml").is_file()
    assert "vendor.gitlab-ci" in capsys.readouterr().out


JUNIT = """<?xml version="1.0"?>
<testsuites><testsuite name="lockgate.test">
<testcase classname="tests.test_a" name="test_ok"/>
<testcase classname="tests.test_a" name="test_bad"><failure message="boom"/></testcase>
<testcase classname="tests.test_b" name="test_skip"><skipped/></testcase>
</testsuite></testsuites>"""


def test_junit_summary_counts_and_lists_the_failures() -> None:
    text = summarise(JUNIT)
    assert "| lockgate.test | 3 | 1 | 0 | 1 |" in text
    assert "- `tests.test_a` test_bad" in text and "test_ok" not in text


def test_without_a_server_nothing_reports(tmp_path: Path) -> None:
    for system in SYSTEMS:
        text = ci.render(system, project(tmp_path), STAGES)
        assert "--report-to" not in text and "LOCKGATE_TOKEN" not in text


def test_github_reports_to_the_server_with_the_token_from_the_repository_secrets(
    tmp_path: Path,
) -> None:
    ci.write(ci.System.GITHUB, project(tmp_path, TEAM), stages=SECURITY_STAGES)
    text = (tmp_path / ci.System.GITHUB.path).read_text("utf-8")
    assert (
        f"# Runs and deployments are reported to {SERVER}.\n# Add its token as the repository secret"
        in text
    )
    jobs = load(ci.System.GITHUB, tmp_path)["jobs"]
    token = {"LOCKGATE_TOKEN": "${{ secrets.LOCKGATE_TOKEN }}"}
    lint = next(s for s in jobs["lint"]["steps"] if s.get("name") == "lockgate lint")
    assert (
        lint["run"]
        == f"lockgate run --only lint --report-dir lockgate-reports/lint --report-to {SERVER}"
    )
    assert lint["env"] == token
    deploy = jobs["production"]["steps"][-1]
    assert (
        deploy["run"] == f"lockgate deploy production --report-to {SERVER}"
        and deploy["env"] == token
    )
    holders = [s["name"] for job in jobs.values() for s in job["steps"] if "env" in s]
    assert len(holders) == len(jobs) - 1  # every job but the policy check, one step each


def test_gitlab_declares_the_security_reports_and_reports_to_the_server(tmp_path: Path) -> None:
    ci.write(ci.System.GITLAB, project(tmp_path, TEAM), stages=SECURITY_STAGES)
    doc = load(ci.System.GITLAB, tmp_path)
    expected = {
        "sast": ("sast", "gl-sast-report.json"),
        "secrets": ("secret_detection", "gl-secret-detection-report.json"),
        "deps": ("dependency_scanning", "gl-dependency-scanning-report.json"),
    }
    for job, (kind, filename) in expected.items():
        reports = doc[job]["artifacts"]["reports"]
        assert reports[kind] == f"lockgate-reports/{job}/{filename}"
        assert set(reports) == {"junit", "codequality", kind}
    assert set(doc["lint"]["artifacts"]["reports"]) == {"junit", "codequality"}
    assert doc["deps"]["script"][-1].endswith(f"--report-to {SERVER}")
    assert doc["production"]["script"][-1] == f"lockgate deploy production --report-to {SERVER}"
    text = (tmp_path / ci.System.GITLAB.path).read_text("utf-8")
    assert "masked CI/CD variable LOCKGATE_TOKEN" in text


def test_circleci_reports_to_the_server(tmp_path: Path) -> None:
    ci.write(ci.System.CIRCLECI, project(tmp_path, TEAM), stages=SECURITY_STAGES)
    doc = load(ci.System.CIRCLECI, tmp_path)
    commands = [
        s["run"]["command"]
        for job in doc["jobs"].values()
        for s in job["steps"]
        if isinstance(s, dict) and s.get("run", {}).get("name", "").startswith("lockgate")
    ]
    assert commands[0] == "lockgate config check"  # the policy job reports nothing
    assert len(commands) == 10 and all(c.endswith(f"--report-to {SERVER}") for c in commands[1:])
    text = (tmp_path / ci.System.CIRCLECI.path).read_text("utf-8")
    assert "project environment variable LOCKGATE_TOKEN" in text


def test_a_bad_server_url_stops_the_export_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, '[server]\nurl = "lockgate.example.org"\n')
    assert main(["ci", "gitlab", str(root)]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert "lockgate.toml:4" in err and "http:// or https://" in err and "Traceback" not in err

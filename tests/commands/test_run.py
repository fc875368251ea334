"""`lockgate run` end to end through the real CLI: exit codes, reports, store, cache, bad input."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.testing.harness import REPO

PY = sys.executable


def lockgate(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
):
    full_env = {**os.environ, "CI": "1", **(env or {})}
    full_env.pop("LOCKGATE_DATABASE_URL", None)
    return subprocess.run(
        [PY, "-m", "lockgate", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def write_project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


CLEAN = {
    "lockgate.toml": '[project]\nname = "demo"\n',
    "app.py": "def add(a: int, b: int) -> int:\n    return a + b\n",
}


def assert_clean_error(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    for needle in needles:
        assert needle in done.stderr, done.stderr


def test_clean_project_passes_and_writes_every_report(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    done = lockgate("run", str(project), "--only", "lint", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # stdout is JSON and nothing else
    assert data["status"] == "passed"
    assert [s["stage"] for s in data["stages"]] == ["lint"]
    report_dir = Path(data["report_dir"])
    assert report_dir.parent == project / ".lockgate" / "reports"
    for name in ("lockgate.sarif", "junit.xml", "results.json", "summary.md", "report.html"):
        assert (report_dir / name).is_file(), name


def test_lint_failure_exits_1_and_names_file_and_line(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {**CLEAN, "bad.py": "import os\n"})
    done = lockgate("run", str(project), "--only", "lint")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "bad.py:1" in done.stdout
    assert "F401" in done.stdout
    assert "report: " in done.stdout


def test_warm_rerun_is_cached_and_history_and_report_read_the_store(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    first = json.loads(lockgate("run", str(project), "--only", "lint", "--json").stdout)
    second = json.loads(lockgate("run", str(project), "--only", "lint", "--json").stdout)
    assert first["stages"][0]["cached"] is False
    assert second["stages"][0]["cached"] is True
    (project / "app.py").write_text("def add(a: int, b: int) -> int:\n    return b + a\n")
    third = json.loads(lockgate("run", str(project), "--only", "lint", "--json").stdout)
    assert third["stages"][0]["cached"] is False

    history = lockgate("history", str(project))
    assert history.returncode == 0
    for run in (first, second, third):
        assert run["run_id"] in history.stdout
    for fmt in ("md", "json", "sarif", "junit", "html"):
        shown = lockgate("report", second["run_id"], "--format", fmt, "--path", str(project))
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.strip()


def test_no_cache_runs_again(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    lockgate("run", str(project), "--only", "lint")
    again = json.loads(
        lockgate("run", str(project), "--only", "lint", "--no-cache", "--json").stdout
    )
    assert again["stages"][0]["cached"] is False


def test_baseline_update_makes_known_findings_pass(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {**CLEAN, "bad.py": "import os\n"})
    assert lockgate("run", str(project), "--only", "lint").returncode == 1
    update = lockgate("baseline", "update", str(project))
    assert update.returncode == 0, update.stderr
    assert (project / ".lockgate" / "baseline.json").is_file()
    assert lockgate("run", str(project), "--only", "lint").returncode == 0
    (project / "worse.py").write_text("import sys\n")
    assert lockgate("run", str(project), "--only", "lint").returncode == 1


def test_expired_suppression_fails_loudly(tmp_path: Path) -> None:
    config = CLEAN["lockgate.toml"] + (
        '\n[[suppress]]\nstage = "lint"\nrule = "F401"\nreason = "kept for a demo"\nexpires = 2020-01-01\n'
    )
    project = write_project(
        tmp_path / "p", {**CLEAN, "lockgate.toml": config, "bad.py": "import os\n"}
    )
    done = lockgate("run", str(project), "--only", "lint")
    assert done.returncode == 1
    assert "expired" in done.stdout


def test_broken_toml(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {**CLEAN, "lockgate.toml": "[project\nname = 1\n"})
    assert_clean_error(lockgate("run", str(project)), "lockgate.toml")


def test_unknown_stage_in_only(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    assert_clean_error(
        lockgate("run", str(project), "--only", "lnt"), "unknown stage 'lnt'", "did you mean 'lint'"
    )


def test_unknown_stage_in_config(tmp_path: Path) -> None:
    config = CLEAN["lockgate.toml"] + '\n[stages.lnit]\nfail_on = "high"\n'
    project = write_project(tmp_path / "p", {**CLEAN, "lockgate.toml": config})
    assert_clean_error(lockgate("run", str(project)), "lnit")


def test_missing_tool_says_which_and_how(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    done = lockgate(
        "run", str(project), "--only", "lint", env={"LOCKGATE_RUFF_BIN": str(tmp_path / "no-ruff")}
    )
    assert_clean_error(done, "ruff")
    assert "fix:" in done.stderr


def test_unwritable_report_dir(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert_clean_error(
        lockgate("run", str(project), "--report-dir", str(blocker / "reports")),
        "cannot write reports",
    )


def test_store_that_is_not_a_database(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    (project / ".lockgate").mkdir()
    (project / ".lockgate" / "lockgate.db").write_text("these are my notes, not a database\n" * 50)
    done = lockgate("run", str(project), "--only", "lint")
    assert_clean_error(done, "lockgate.db")
    assert (
        "these are my notes" in (project / ".lockgate" / "lockgate.db").read_text()
    )  # nothing lost


def test_missing_project_folder(tmp_path: Path) -> None:
    assert_clean_error(lockgate("run", str(tmp_path / "nope")), "does not exist")


def _wait_for(path: Path, bound: float = 120) -> str:
    """The text of `path` once it exists (bounded only so a broken run fails instead of hanging)."""
    deadline = time.monotonic() + bound
    while not path.exists() or not path.read_text():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)
    return path.read_text()


def _wait_gone(pid: int, bound: float = 120) -> None:
    """Until process `pid` has ended (a zombie has ended too)."""
    deadline = time.monotonic() + bound
    stat = Path(f"/proc/{pid}/stat")
    while stat.exists():
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return
        except (OSError, IndexError):
            return
        assert time.monotonic() < deadline, f"process {pid} is still running"
        time.sleep(0.05)


def test_ctrl_c_stops_children_and_records_the_run_as_interrupted(tmp_path: Path) -> None:
    marker, started = tmp_path / "child-survived", tmp_path / "child-pid"
    slow_test = (
        "import os, time, pathlib\n"
        "def test_slow():\n"
        f"    pathlib.Path({str(started)!r}).write_text(str(os.getpid()))\n"
        f"    time.sleep(6)\n    pathlib.Path({str(marker)!r}).write_text('x')\n"
    )
    config = CLEAN["lockgate.toml"] + f'\n[stages.test]\npython = "{PY}"\n'
    project = write_project(
        tmp_path / "p", {**CLEAN, "lockgate.toml": config, "test_slow.py": slow_test}
    )
    env = {**os.environ, "CI": "1"}
    env.pop("LOCKGATE_DATABASE_URL", None)
    child = subprocess.Popen(
        [PY, "-m", "lockgate", "run", str(project), "--only", "test"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a background job inherits SIGINT ignored, and Python then never sees Ctrl-C: start clean
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    test_pid = int(_wait_for(started))  # the project's test is running inside the test stage
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130, out + err
    assert "Traceback" not in err
    # Left running, the test would write its marker and end; stopped, it ends without one.
    _wait_gone(test_pid)
    assert not marker.exists(), "the test process kept running after Ctrl-C"
    with sqlite3.connect(project / ".lockgate" / "lockgate.db") as db:
        statuses = [row[0] for row in db.execute("select status from runs")]
    assert statuses == ["interrupted"]


def test_stages_lists_every_stage(tmp_path: Path) -> None:
    done = lockgate("stages", str(write_project(tmp_path / "p", CLEAN)))
    assert done.returncode == 0, done.stderr
    for name in ("lint", "test"):
        assert name in done.stdout


def test_usage_error_exits_2() -> None:
    done = lockgate("run", "--jobs", "zero")
    assert done.returncode == 2
    for args in (["run", "--jobs", "0"], ["history", "--limit", "0"], ["history", "--limit", "-1"]):
        assert lockgate(*args).returncode == 2, args  # not "no runs recorded yet"
    assert REPO.exists()


@pytest.mark.parametrize("args", [["--version"], ["run", "--help"]])
def test_help_and_version(args: list[str]) -> None:
    assert lockgate(*args).returncode == 0


def test_terminal_summary_shows_hostile_file_names_inert(tmp_path: Path) -> None:
    name = "evil\x1b]0;pwned\x07\u202egnp.py"
    project = write_project(tmp_path / "p\x1b[2J", {**CLEAN, name: "import os\n"})
    done = lockgate("run", str(project), "--only", "lint")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "\x1b" not in done.stdout and "\u202e" not in done.stdout
    assert "evil]0;pwned\\u202egnp.py:1 F401" in done.stdout


def test_reading_commands_on_a_mistyped_path_create_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "typo"
    for args in (["history", str(typo)], ["report", "x", "--path", str(typo)]):
        assert_clean_error(lockgate(*args), "does not exist or is not a folder")
    assert_clean_error(lockgate("baseline", "update", str(typo)), "does not exist")
    assert not typo.exists()


def test_reading_commands_on_a_project_never_run_leave_it_untouched(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    done = lockgate("history", str(project))
    assert done.returncode == 0 and "no runs recorded yet" in done.stdout, done.stderr
    assert_clean_error(lockgate("report", "x", "--path", str(project)), "no run with id 'x'")
    assert_clean_error(lockgate("baseline", "update", str(project)), "no run recorded yet")
    assert not (project / ".lockgate").exists()  # no stray store for `git add -A` to pick up


def test_a_run_that_selects_no_stage_is_an_error_not_a_pass(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    done = lockgate("run", str(project), "--only", "lint", "--skip", "lint")
    assert_clean_error(done, "no stage left to run")
    assert "PASSED" not in done.stdout


def test_a_report_that_cannot_be_written_keeps_the_verdict_in_the_store(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {**CLEAN, "bad.py": "import os\n"})
    summary = tmp_path / "missing-folder" / "summary.md"
    done = lockgate(
        "run", str(project), "--only", "lint", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    # a CI side channel that cannot be written is warned about; the gate's exit code stands
    assert done.returncode == 1, done.stdout + done.stderr
    assert "warning:" in done.stderr and "GITHUB_STEP_SUMMARY" in done.stderr
    assert "Traceback" not in done.stderr
    history = lockgate("history", str(project))
    assert " failed " in history.stdout and "running" not in history.stdout, history.stdout


def test_a_broken_baseline_file_records_no_run(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {**CLEAN, ".lockgate/baseline.json": "{"})
    assert_clean_error(lockgate("run", str(project), "--only", "lint"), "baseline.json")
    assert "no runs recorded yet" in lockgate("history", str(project)).stdout


def test_stages_sees_the_checked_out_branch_like_run_does(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "feature"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=project, check=True)
    done = lockgate("stages", str(project))
    assert done.returncode == 0, done.stderr
    assert "none is checked out" not in done.stdout, done.stdout


def test_the_summary_names_a_stage_in_error(tmp_path: Path) -> None:
    files = {
        **CLEAN,
        "tests/test_slow.py": "import time\n\n\ndef test_slow():\n    time.sleep(30)\n",
    }
    project = write_project(tmp_path / "p", {**files, "lockgate.toml": "[run]\ntimeout = 1\n"})
    done = lockgate("run", str(project), "--only", "test")
    assert done.returncode == 1, done.stdout + done.stderr
    summary = done.stdout.split("\nrun ", 1)[1]
    # the stage stops its own tests and says so; the engine's deadline comes a grace later
    assert "test: ERROR — the tests did not finish within 1 s" in summary, done.stdout


def test_history_and_baseline_keep_to_their_project_in_a_shared_store(tmp_path: Path) -> None:
    env = {**os.environ, "CI": "1", "LOCKGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'team.db'}"}

    def shared(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [PY, "-m", "lockgate", *args]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)

    files = {"lockgate.toml": '[project]\nname = "alpha"\n', "app.py": "import os\n"}
    alpha = write_project(tmp_path / "alpha", files)
    beta = write_project(tmp_path / "beta", {**CLEAN, "lockgate.toml": '[project]\nname = "b"\n'})
    assert shared("run", str(alpha), "--only", "lint").returncode == 1
    assert shared("run", str(beta), "--only", "lint").returncode == 0  # the newest run in the store
    history = shared("history", str(alpha)).stdout
    assert history.count(" failed ") == 1 and " passed " not in history, history
    done = shared("baseline", "update", str(alpha))
    assert "1 finding(s)" in done.stdout, done.stdout + done.stderr
    assert shared("run", str(alpha), "--only", "lint").returncode == 0


def test_error_messages_do_not_pass_control_sequences_to_the_terminal(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    hostile = blocker / "evil\x1b]0;pwned\x07\u202e"
    done = lockgate("run", str(project), "--only", "lint", "--report-dir", str(hostile))
    assert_clean_error(done, "cannot write reports", "evil]0;pwned\\u202e")
    assert "\x1b" not in done.stderr and "\u202e" not in done.stderr


def test_a_file_named_dot_lockgate_is_named_as_the_problem(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {**CLEAN, ".lockgate": "someone's notes\n"})
    assert_clean_error(
        lockgate("run", str(project), "--only", "lint"), ".lockgate: is not a folder"
    )
    assert (project / ".lockgate").read_text() == "someone's notes\n"


# --- what a run did not check ---------------------------------------------------------------------

NO_ADVISORIES = {  # deps cannot check anything: no advisory data is configured
    "lockgate.toml": '[project]\nname = "demo"\n\n[stages.deps]\nsource = "local"\n',
    "requirements.txt": "requests==2.0.0\nflask==0.12\n",
    "app.py": CLEAN["app.py"],
}


def test_a_run_that_could_not_check_everything_passes_with_unchecked(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", NO_ADVISORIES)
    done = lockgate("run", str(project), "--only", "deps")
    assert done.returncode == 0, done.stdout + done.stderr  # warned, not failed, by default
    assert "PASSED WITH UNCHECKED (" in done.stdout and "not checked" in done.stdout
    assert "deps: NOT CHECKED" in done.stdout and "fix:" in done.stdout
    data = json.loads(lockgate("run", str(project), "--only", "deps", "--json").stdout)
    assert (data["status"], data["verdict"]) == ("passed", "passed_with_unchecked")
    assert data["unchecked"] >= 2
    reports = Path(data["report_dir"])
    assert "PASSED WITH UNCHECKED" in (reports / "summary.md").read_text()
    assert "PASSED WITH UNCHECKED" in (reports / "report.html").read_text()
    sarif = json.loads((reports / "lockgate.sarif").read_text())
    invocations = [i for run in sarif["runs"] for i in run["invocations"]]
    assert any(i["executionSuccessful"] is False for i in invocations)
    notes = [n for i in invocations for n in i.get("toolExecutionNotifications", ())]
    assert any(n["descriptor"]["id"] == "unchecked" for n in notes)
    junit = (reports / "junit.xml").read_text()
    assert '<testcase classname="lockgate.deps" name="deps gate"' in junit
    assert "<skipped" in junit and 'failures="0"' in junit


def test_fail_on_unchecked_fails_the_run_with_the_reason(tmp_path: Path) -> None:
    strict = NO_ADVISORIES["lockgate.toml"] + "fail_on_unchecked = true\n"
    project = write_project(tmp_path / "p", {**NO_ADVISORIES, "lockgate.toml": strict})
    done = lockgate("run", str(project), "--only", "deps")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAILED (" in done.stdout
    assert "deps: FAILED" in done.stdout and "fail_on_unchecked = true" in done.stdout


def test_fail_on_unchecked_is_accepted_by_every_stage(tmp_path: Path) -> None:
    config = CLEAN["lockgate.toml"] + "\n[stages.lint]\nfail_on_unchecked = true\n"
    project = write_project(tmp_path / "p", {**CLEAN, "lockgate.toml": config})
    done = lockgate("run", str(project), "--only", "lint")
    assert done.returncode == 0, done.stdout + done.stderr  # lint checked every file
    assert "PASSED" in done.stdout and "warning" not in done.stderr


def test_an_expired_suppression_that_matches_nothing_fails_loudly(tmp_path: Path) -> None:
    config = CLEAN["lockgate.toml"] + (
        '\n[[suppress]]\nrule = "F401"\nreason = "old import, long gone"\nexpires = 2020-01-01\n'
    )
    project = write_project(tmp_path / "p", {**CLEAN, "lockgate.toml": config})  # nothing to match
    done = lockgate("run", str(project), "--only", "lint")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "expired-suppression" in done.stdout and "lockgate.toml:4" in done.stdout


def test_report_regenerates_exactly_what_the_run_wrote(tmp_path: Path) -> None:
    """Plan order (deps, which finishes first, is stored after lint), integer metrics, unchecked."""
    project = write_project(tmp_path / "p", {**NO_ADVISORIES, "bad.py": "import os\n"})
    data = json.loads(lockgate("run", str(project), "--only", "lint,deps", "--json").stdout)
    assert [s["stage"] for s in data["stages"]] == ["lint", "deps"]
    reports = Path(data["report_dir"])
    names = {"md": "summary.md", "json": "results.json", "sarif": "lockgate.sarif"}
    names |= {"junit": "junit.xml", "html": "report.html"}
    for fmt, name in names.items():
        shown = lockgate("report", data["run_id"], "--format", fmt, "--path", str(project))
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout == (reports / name).read_text(), fmt
    metrics = json.loads((reports / "results.json").read_text())["results"][1]["metrics"]
    assert any(isinstance(m["value"], int) for m in metrics)

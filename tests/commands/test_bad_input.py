"""Bad input through the real CLI: exit 2 with a reason (file, line, fix), never exit 3, never a hang.

Each case was found by fuzzing or by hand on a real project; each test fails without its fix.
Subprocess timeouts here are a safety net against a hang (a hang is the bug), not a speed bound.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from tests.testing.harness import init_git

PY = sys.executable
HANG = 120  # seconds; only reached when lockgate hangs

CLEAN = {
    "lockgate.toml": '[project]\nname = "demo"\n',
    "app.py": "def add(a: int, b: int) -> int:\n    return a + b\n",
}


def lockgate(
    *args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PY, "-m", "lockgate", *args],
        cwd=cwd,
        env=_env(env),
        capture_output=True,
        text=True,
        timeout=HANG,
        stdin=subprocess.DEVNULL,
        preexec_fn=_memory_cap,
    )


def _memory_cap() -> None:
    """A lockgate that reads /dev/zero to the end must hit a wall, not the machine's memory."""
    cap = 4 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _env(extra: Mapping[str, str] | None) -> dict[str, str]:
    """This environment without a developer's store, debug or CI summary settings, plus `extra`."""
    drop = ("LOCKGATE_DEBUG", "GITHUB_STEP_SUMMARY", "LOCKGATE_DATABASE_URL")
    return {
        **{k: v for k, v in os.environ.items() if k not in drop},
        "CI": "1",
        **(extra or {}),
    }


def write_project(root: Path, files: Mapping[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def project_with(tmp_path: Path, config: str) -> Path:
    return write_project(tmp_path / "p", {**CLEAN, "lockgate.toml": config})


def assert_bad_input(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit 2, a message that names the problem, no traceback, no internal error."""
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert "Traceback" not in out and "internal error" not in out, out
    for needle in needles:
        assert needle in done.stderr, done.stderr


# --- lockgate.toml ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        "[run]\nx = " + "[" * 3000 + "]" * 3000 + "\n",
        "[run]\nx = " + "{a = " * 400 + "1" + "}" * 400 + "\n",
        "[run]\nx = " + "[" * 60 + "]" * 60 + "\n",  # parses, but no setting nests like that
    ],
    ids=["arrays-3000", "inline-tables-400", "arrays-60"],
)
def test_deeply_nested_toml(tmp_path: Path, config: str) -> None:
    done = lockgate("stages", str(project_with(tmp_path, config)))
    assert_bad_input(done, "lockgate.toml", "nest")


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("[run]\ntimeout = inf", "run.timeout: expected a finite number, found inf"),
        ("[run]\ntimeout = -inf", "run.timeout: expected a finite number"),
        ("[run]\ntimeout = nan", "run.timeout: expected a finite number"),
        ("[stages.lint]\ntimeout = inf", "stages.lint.timeout: expected a finite number"),
        ("[run]\ntimeout = 1e300", "at most 2147483647"),
        ("[run]\njobs = " + "9" * 40, "run.jobs: expected an integer of at most 2**53"),
    ],
)
def test_numbers_no_timer_can_hold(tmp_path: Path, line: str, says: str) -> None:
    done = lockgate("run", str(project_with(tmp_path, line + "\n")), "--only", "lint")
    assert_bad_input(done, "lockgate.toml:2", says)


@pytest.mark.parametrize(
    ("section", "line"),
    [
        ("stages.sast", 'rules_dir = "rules\\u0000x"'),
        ("stages.test", 'python = "/usr/bin/python3\\u0000"'),
        ("stages.lint", 'paths = ["src", "a\\u0000b"]'),
        ("stages.sast", 'rules_dir = "' + "r" * 1_000_000 + '"'),
        ("stages.test", 'python = "' + "p/" * 500_000 + '"'),
        ("stages.deps", 'advisory_db = ["' + "d" * 1_000_000 + '"]'),
    ],
    ids=["nul-rules-dir", "nul-python", "nul-in-list", "1mb-rules-dir", "1mb-python", "1mb-list"],
)
def test_a_nul_byte_or_a_1mb_value_in_a_path_option(
    tmp_path: Path, section: str, line: str
) -> None:
    stage = section.split(".")[1]
    project = project_with(tmp_path, f"[{section}]\n{line}\n")
    done = lockgate("run", str(project), "--only", stage)
    assert_bad_input(done, "lockgate.toml:2")
    assert "NUL" in done.stderr or "at most 4096 characters" in done.stderr
    assert len(done.stderr) < 2000  # the 1 MB value is not echoed back


def test_a_fifo_as_lockgate_toml_is_refused_not_waited_on(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"app.py": CLEAN["app.py"]})
    os.mkfifo(project / "lockgate.toml")
    done = lockgate("stages", str(project))
    assert_bad_input(done, "lockgate.toml", "named pipe (FIFO)")


def test_dev_zero_as_lockgate_toml_is_refused(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"app.py": CLEAN["app.py"]})
    (project / "lockgate.toml").symlink_to("/dev/zero")
    done = lockgate("run", str(project), "--only", "lint")
    assert_bad_input(done, "lockgate.toml", "character device")


def test_a_huge_lockgate_toml_is_refused_unread(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"app.py": CLEAN["app.py"]})
    with (project / "lockgate.toml").open("w") as fh:
        fh.write('[project]\nname = "demo"\n')
        fh.write("#" + "x" * (8 * 1024 * 1024) + "\n")
    done = lockgate("stages", str(project))
    assert_bad_input(done, "lockgate.toml", "larger than 4 MiB")


# --- baseline.json ----------------------------------------------------------------------------


def _baseline(project: Path) -> Path:
    path = project / ".lockgate" / "baseline.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_a_symlink_loop_at_baseline_json(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    _baseline(project).symlink_to("baseline.json")
    done = lockgate("run", str(project), "--only", "lint")
    assert_bad_input(done, ".lockgate/baseline.json", "symbolic links")


def test_deeply_nested_baseline_json(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    _baseline(project).write_text('{"schema_version": 1, "stages": ' + "[" * 100_000)
    done = lockgate("run", str(project), "--only", "lint")
    assert_bad_input(done, ".lockgate/baseline.json", "nested")


def test_a_fifo_at_baseline_json_is_refused_not_waited_on(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    os.mkfifo(_baseline(project))
    done = lockgate("run", str(project), "--only", "lint")
    assert_bad_input(done, ".lockgate/baseline.json", "named pipe (FIFO)")


# --- command-line arguments -------------------------------------------------------------------


def test_history_limit_beyond_what_a_database_integer_holds(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    assert lockgate("run", str(project), "--only", "lint").returncode == 0  # a store exists
    for limit in (str(2**64), "9" * 30, "0"):
        assert_bad_input(lockgate("history", str(project), "--limit", limit), "--limit")


def test_an_empty_report_dir_is_refused(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    done = lockgate("run", str(project), "--only", "lint", "--report-dir", "", cwd=elsewhere)
    assert_bad_input(done, "--report-dir", "empty")
    assert list(elsewhere.iterdir()) == []  # nothing written into the current folder


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--timeout", "-1"], "--timeout"),
        (["--timeout", "nan"], "--timeout"),
        (["--timeout", "inf"], "--timeout"),
        (["--url", "http://127.0.0.1:9/ósv"], "non-ASCII"),
        (["--url", "http://bücher.127.0.0.1.invalid/"], "non-ASCII"),
        (["--url", "file:///etc"], "http"),
    ],
)
def test_advisories_sync_arguments(tmp_path: Path, args: list[str], says: str) -> None:
    env = {"LOCKGATE_ADVISORY_DB": str(tmp_path / "osv")}
    done = lockgate("advisories", "sync", "--url", "http://127.0.0.1:9", *args, env=env)
    assert_bad_input(done, says)


def test_advisories_sync_into_a_file(tmp_path: Path) -> None:
    dest = tmp_path / "notes.txt"
    dest.write_text("mine\n")
    done = lockgate("advisories", "sync", "--dest", str(dest), "--url", "http://127.0.0.1:9")
    assert_bad_input(done, str(dest), "not a folder")
    assert dest.read_text() == "mine\n"


def test_hooks_install_into_a_missing_folder_says_so(tmp_path: Path) -> None:
    done = lockgate("hooks", "install", str(tmp_path / "nonexistent"))
    assert_bad_input(done, "not found", str(tmp_path / "nonexistent"))
    assert "git is not installed" not in done.stderr


# --- the store --------------------------------------------------------------------------------


def test_a_database_url_with_a_100_character_host_label(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    url = f"postgresql://lockgate:pw@{'h' * 100}.example:5432/runs"
    done = lockgate("history", str(project), env={"LOCKGATE_DATABASE_URL": url})
    assert_bad_input(done, "LOCKGATE_DATABASE_URL", "63 characters")


def test_a_store_url_naming_a_system_file_never_suggests_moving_it(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    done = lockgate("history", str(project), env={"LOCKGATE_DATABASE_URL": "sqlite:////etc/passwd"})
    assert_bad_input(done, "/etc/passwd", "not a lockgate store")
    assert "mv " not in done.stderr and "move it aside" not in done.stderr


# --- what the terminal shows --------------------------------------------------------------------


def test_stages_escapes_config_strings_as_run_does(tmp_path: Path) -> None:
    config = '[stages.test]\npython = "/nowhere/\\u001b[2J\\u001b]0;pwned\\u0007py"\n'
    done = lockgate("stages", str(project_with(tmp_path, config)))
    assert done.returncode == 0, done.stderr
    assert "/nowhere/" in done.stdout  # the reason is shown...
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout  # ...without its controls


def test_twenty_thousand_warnings_are_deduplicated_and_capped(tmp_path: Path) -> None:
    config = '[project]\nname = "demo"\n' + "".join(
        f"[stages.lint]\nunknown_{i} = 1\n" if i == 0 else f"unknown_{i} = 1\n"
        for i in range(20_000)
    )
    done = lockgate("run", str(project_with(tmp_path, config)), "--only", "lint")
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert done.returncode == 0, done.stderr[-2000:]
    assert 1 < len(warnings) <= 25, len(warnings)
    assert "and 19980 more warnings" in warnings[-1]


def test_an_unwritable_step_summary_keeps_the_gate_exit_code(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {**CLEAN, "bad.py": "import os\n"})
    folder = tmp_path / "summary-is-a-folder"
    folder.mkdir()
    done = lockgate("run", str(project), "--only", "lint", env={"GITHUB_STEP_SUMMARY": str(folder)})
    assert done.returncode == 1, done.stdout + done.stderr  # the gate failed: 1, not 2
    assert "GITHUB_STEP_SUMMARY" in done.stderr and "warning:" in done.stderr
    assert "report: " in done.stdout


# --- stopping ----------------------------------------------------------------------------------


def _wait_for(check: Callable[[], bool], what: str, seconds: float = HANG) -> None:
    """Poll until `check()` holds; a safety net against a hang, not a timing assertion."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def _waiting_test(started: Path, release: Path) -> str:
    """A project test that says it started (with its pid) and waits to be released."""
    return (
        "import os, pathlib, time\n\n\n"
        "def test_waits():\n"
        f"    pathlib.Path({str(started)!r}).write_text(str(os.getpid()))\n"
        "    deadline = time.monotonic() + 300\n"
        f"    while not pathlib.Path({str(release)!r}).exists() and time.monotonic() < deadline:\n"
        "        time.sleep(0.05)\n"
    )


def _start(project: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PY, "-m", "lockgate", "run", str(project), "--only", "test", "--no-cache"],
        env=_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL),
    )


def _waiting_project(tmp_path: Path) -> tuple[Path, Path, Path]:
    started, release = tmp_path / "started", tmp_path / "release"
    config = CLEAN["lockgate.toml"] + f'\n[stages.test]\npython = "{PY}"\n'
    project = write_project(
        tmp_path / "p",
        {**CLEAN, "lockgate.toml": config, "tests/test_wait.py": _waiting_test(started, release)},
    )
    return project, started, release


def test_sighup_stops_like_sigterm(tmp_path: Path) -> None:
    project, started, release = _waiting_project(tmp_path)
    child = _start(project)
    try:
        _wait_for(started.exists, "the project's test to start")
        test_pid = int(started.read_text())
        child.send_signal(signal.SIGHUP)
        out, err = child.communicate(timeout=HANG)
    finally:
        release.touch()
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, out + err
    assert "Traceback" not in err
    _wait_for(lambda: _gone(test_pid), "the project's test process to stop")
    with sqlite3.connect(project / ".lockgate" / "lockgate.db") as db:
        assert [r[0] for r in db.execute("select status from runs")] == ["interrupted"]


@pytest.mark.postgres
def test_a_store_outage_mid_run_still_writes_every_report(
    tmp_path: Path, postgres_url: str
) -> None:
    import psycopg
    import sqlalchemy as sa

    project, started, release = _waiting_project(tmp_path)
    name = sa.make_url(postgres_url).database
    admin = sa.make_url(postgres_url).set(database="postgres").render_as_string(False)
    child = _start(project, env={"LOCKGATE_DATABASE_URL": postgres_url})
    try:
        _wait_for(started.exists, "the project's test to start")
        with psycopg.connect(admin, autocommit=True) as conn:  # the server goes away for lockgate
            conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
        release.touch()
        out, err = child.communicate(timeout=HANG)
    finally:
        release.touch()
        if child.poll() is None:
            child.kill()
    assert child.returncode == 2, out + err
    assert "Traceback" not in err and "internal error" not in err
    assert "the run store failed" in err and "not fully recorded" in err
    report_dir = next((project / ".lockgate" / "reports").iterdir())
    for report in ("lockgate.sarif", "junit.xml", "results.json", "summary.md", "report.html"):
        assert (report_dir / report).is_file(), report
    assert json.loads((report_dir / "results.json").read_text())["run"]["status"] == "passed"
    assert "INSERT" not in err and "SELECT" not in err


# --- the test stage ---------------------------------------------------------------------------


def test_an_empty_test_command_is_bad_input(tmp_path: Path) -> None:
    project = project_with(tmp_path, '[stages.test]\ncommand = [""]\n')
    done = lockgate("run", str(project), "--only", "test")
    assert_bad_input(done, "lockgate.toml:2", "stages.test.command", "first item")


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and not _gone(int(entry.name)):
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.parametrize("git", [False, True], ids=["folder", "git-work-tree"])
def test_a_fifo_in_the_project_tree_is_skipped_not_read(tmp_path: Path, git: bool) -> None:
    config = CLEAN["lockgate.toml"] + f'\n[stages.test]\npython = "{PY}"\n'
    project = write_project(
        tmp_path / "p",
        {**CLEAN, "lockgate.toml": config, "tests/test_ok.py": "def test_ok():\n    pass\n"},
    )
    if git:
        init_git(project)
    os.mkfifo(project / "data.fifo")
    os.mkfifo(project / "tests" / "pipe")
    done = lockgate("run", str(project), "--only", "test,lint")
    assert done.returncode == 0, done.stdout + done.stderr
    _wait_for(lambda: not _processes_mentioning(str(project)), "no process left over")


# --- hooks need a git repository ----------------------------------------------------------------


def test_hooks_install_still_works_on_a_real_repository(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", CLEAN)
    init_git(project)
    done = lockgate("hooks", "install", str(project))
    assert done.returncode == 0, done.stderr
    assert (project / ".git" / "hooks" / "pre-commit").is_file()

"""SIGKILL in the middle of writing: the store stays consistent and the next run cleans up after it."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from lockgate.model import DeploymentStatus, RunStatus
from lockgate.store import Store
from tests.testing.harness import REPO

FINDINGS_PER_STAGE = 300
TESTS_PER_STAGE = 50

WRITER = f"""
import sys
from pathlib import Path
from lockgate.model import Finding, Severity, StageResult, Status, TestCase
from lockgate.store import Store
from tests.store import samples

store = Store.open(Path(sys.argv[1]), sys.argv[2])
store.begin_run(samples.run("crash"))
findings = tuple(
    Finding("lint", "ruff", f"R{{i}}", "m" * 200, Severity.LOW, f"{{i:020d}}") for i in range({FINDINGS_PER_STAGE})
)
tests = tuple(TestCase("c", f"t{{i}}", "passed") for i in range({TESTS_PER_STAGE}))
for n in range(10_000):  # bounded: the test kills it long before
    store.save_result("crash", StageResult(f"stage{{n}}", Status.PASSED, findings, test_cases=tests))
    if n == 0:
        print("ready", flush=True)
"""

DEPLOYER = """
import sys, time
from pathlib import Path
from lockgate.store import Store
from tests.store import samples

store = Store.open(Path(sys.argv[1]), sys.argv[2])
print(store.add_deployment(samples.deployment()), flush=True)
time.sleep(60)  # "deploying": the test kills it here
"""


def _start(code: str, tmp_path: Path, url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path), url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def _kill_after_first_line(child: subprocess.Popen[str], extra_wait: float) -> str:
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    time.sleep(extra_wait)
    child.kill()
    child.wait(30)
    assert child.returncode == -9, "the child ended before it was killed: the test proved nothing"
    return line


def test_run_killed_while_writing_results_leaves_a_consistent_store(
    tmp_path: Path, database_url: str
) -> None:
    line = _kill_after_first_line(_start(WRITER, tmp_path, database_url), random.uniform(0.2, 0.6))
    assert line == "ready"

    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(sa.make_url(database_url).database or "") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with Store.open(tmp_path, database_url) as store:
        run = store.get_run("crash")
        assert run.status is RunStatus.RUNNING and len(run.results) >= 1
        for result in run.results:  # each result was written whole or not at all
            assert len(result.findings) == FINDINGS_PER_STAGE
            assert len(result.test_cases) == TESTS_PER_STAGE
        assert [r.stage for r in run.results] == [f"stage{n}" for n in range(len(run.results))]

        assert store.mark_orphans_interrupted() == ["crash"]
        assert store.get_run("crash").status is RunStatus.INTERRUPTED


def test_deployment_killed_half_way_stays_in_progress_until_marked_failed(
    tmp_path: Path, database_url: str
) -> None:
    dep_id = int(_kill_after_first_line(_start(DEPLOYER, tmp_path, database_url), 0))

    with Store.open(tmp_path, database_url) as store:
        (dep,) = store.deployments()
        assert dep.id == dep_id and dep.status is DeploymentStatus.IN_PROGRESS
        assert store.mark_orphan_deployments_failed() == [dep_id]
        assert store.deployments()[0].status is DeploymentStatus.FAILED

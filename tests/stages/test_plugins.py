"""Third-party stages through the `lockgate.stages` entry points: the example plugin, installed as a
dist-info on the path, runs like a built-in; `build` waits for it; a name clash is an error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.testing.harness import EXAMPLES

PLUGIN = EXAMPLES / "lockgate-plugin-todos"


def install(site: Path, entry_points: str) -> Path:
    """What `pip install` leaves for entry points: a dist-info folder on sys.path."""
    info = site / "lockgate_todos-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: lockgate-todos\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text(f"[lockgate.stages]\n{entry_points}\n")
    return site


def lockgate(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(site), str(PLUGIN / "src")])
    env = {**os.environ, "CI": "1", "PYTHONPATH": path}
    env.pop("LOCKGATE_DATABASE_URL", None)
    cmd = [sys.executable, "-m", "lockgate", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)


def project(root: Path) -> Path:
    root.mkdir()
    (root / "app.py").write_text("def f() -> int:\n    return 1  # TODO: read it from config\n")
    return root


def test_an_installed_plugin_stage_runs_and_build_waits_for_it(tmp_path: Path) -> None:
    site = install(tmp_path / "site", "todos = lockgate_todos:TodoStage")
    root = project(tmp_path / "p")
    listed = lockgate(site, "stages", str(root))
    assert listed.returncode == 0, listed.stderr
    line = next(x for x in listed.stdout.splitlines() if x.startswith("todos "))
    assert "check, plugin" in line
    build = next(x for x in listed.stdout.splitlines() if x.startswith("build "))
    assert "todos" in build.split("needs", 1)[1]  # derived: nothing is built before it passes

    done = lockgate(site, "run", str(root), "--only", "todos", "--json")
    assert done.returncode == 1, done.stderr  # the note fails the gate (the plugin's fail_on)
    (stage,) = json.loads(done.stdout)["stages"]
    assert stage["stage"] == "todos"
    (finding,) = stage["findings"]
    assert finding["rule_id"] == "todo" and finding["location"]["path"] == "app.py"


def test_a_plugin_may_not_take_a_built_in_name(tmp_path: Path) -> None:
    site = install(tmp_path / "site", "lint = lockgate_todos:TodoStage")
    done = lockgate(site, "stages", str(project(tmp_path / "p")))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "'lint' from lockgate-todos 0.1.0 has the name of a stage of lockgate" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_plugin_that_does_not_declare_the_contract_is_named(tmp_path: Path) -> None:
    site = install(tmp_path / "site", "half = lockgate_todos:_finding")
    done = lockgate(site, "stages", str(project(tmp_path / "p")))
    assert done.returncode == 2
    assert "'half' from lockgate-todos 0.1.0 does not declare" in done.stderr

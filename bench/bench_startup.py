"""CLI start-up and the warm run: `lockgate --help`/`--version`, and a cached re-run vs a cold run.

Prints, measured in this run: the start-up time and module count of `--help` and `--version`
(target: no SQLAlchemy, under 80 modules); the cold and warm (best of 3) times of
`lockgate run` on a copy of examples/tenancy-api with the static gates (build and deploy always
run, so they are left out), their ratio (target: >= 10x); and what the warm run still spends its
time on (interpreter, imports, each stage's cache lookup).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "tenancy-api"
PYTHON = REPO / ".venv" / "bin" / "python"
SHARED = Path(os.environ.get("LOCKGATE_SHARED_DIR") or REPO.parent / "shared")
ADVISORIES = SHARED / "advisories"

COUNT = """
import sys, time
t = time.perf_counter()
from lockgate.cli.main import main
try:
    main([sys.argv[1]])
except SystemExit:
    pass
print(len(sys.modules), any(m.startswith("sqlalchemy") for m in sys.modules), file=sys.stderr)
"""

IMPORT = "import sys, time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"


def wall(argv: list[str], env: dict[str, str] | None = None, check: bool = True) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if check and done.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed


def median_wall(argv: list[str], runs: int = 7) -> float:
    return statistics.median(wall(argv) for _ in range(runs))


def import_seconds(module: str) -> float:
    times = []
    for _ in range(5):
        done = subprocess.run(
            [str(PYTHON), "-c", IMPORT.format(module)], capture_output=True, text=True, check=True
        )
        times.append(float(done.stdout.strip()))
    return statistics.median(times)


def startup() -> bool:
    ok = True
    base = median_wall([str(PYTHON), "-c", "pass"])
    print(f"interpreter alone (python -c pass): {base * 1000:.0f} ms")
    for flag in ("--help", "--version"):
        seconds = median_wall([str(PYTHON), "-m", "lockgate", flag])
        done = subprocess.run(
            [str(PYTHON), "-c", COUNT, flag], capture_output=True, text=True, check=True
        )
        modules, sqlalchemy = done.stderr.split()
        fine = int(modules) < 80 and sqlalchemy == "False"
        ok &= fine
        print(
            f"lockgate {flag}: {seconds * 1000:.0f} ms, {modules} modules, SQLAlchemy loaded: "
            f"{sqlalchemy} (targets: < 80 modules, no SQLAlchemy) {'PASS' if fine else 'FAIL'}"
        )
    return ok


def run_json(project: Path, skip: str, env: dict[str, str]) -> tuple[float, dict[str, object]]:
    argv = [str(PYTHON), "-m", "lockgate", "run", str(project), "--skip", skip, "--json"]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"lockgate run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed, json.loads(done.stdout)


def warm_vs_cold() -> bool:
    env = {**os.environ, "CI": "1"}
    env.pop("LOCKGATE_DATABASE_URL", None)
    skip = "build,deploy"
    if ADVISORIES.is_dir():
        env["LOCKGATE_ADVISORY_DB"] = str(ADVISORIES)
    else:  # without local advisory data deps asks the network, and an unanswered query is not cached
        skip += ",deps"
    with tempfile.TemporaryDirectory(prefix="lockgate-bench-") as tmp:
        project = Path(tmp) / "tenancy-api"
        shutil.copytree(
            EXAMPLE, project, ignore=shutil.ignore_patterns(".venv", ".lockgate", "wheels")
        )
        (project / ".venv").symlink_to(EXAMPLE / ".venv")
        cold, _ = run_json(project, skip, env)
        warm_runs = [run_json(project, skip, env) for _ in range(3)]
    warm, data = min(warm_runs, key=lambda r: r[0])
    stages = data["stages"]
    assert isinstance(stages, list)
    uncached = [s["stage"] for s in stages if not s["cached"]]
    ratio = cold / warm
    fine = ratio >= 10 and not uncached
    print(
        f"lockgate run --skip {skip} on the example: cold {cold:.2f} s, warm {warm:.2f} s "
        f"(best of 3), cold/warm = {ratio:.1f}x (target >= 10x) {'PASS' if fine else 'FAIL'}"
        + (f"; not cached: {', '.join(uncached)}" if uncached else "")
    )
    print("  warm run, each stage's cache lookup (key + restore):")
    for s in sorted(stages, key=lambda s: -float(s["duration"])):
        print(f"    {s['stage']:<8} {float(s['duration']) * 1000:7.0f} ms")
    imports = {
        m: import_seconds(m) for m in ("sqlalchemy", "sqlalchemy.orm", "lockgate.commands.run")
    }
    print("  imports in a fresh interpreter (median of 5):")
    for module, seconds in imports.items():
        print(f"    {module:<24} {seconds * 1000:7.0f} ms")
    return fine


def main() -> int:
    ok = startup()
    ok &= warm_vs_cold()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

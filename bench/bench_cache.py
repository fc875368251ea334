"""Warm re-run vs cold run of `lockgate run examples/tenancy-api --only lint,test`.

Targets: warm ≤ 1 s and at least 10x faster than cold. Both are measured in this run, on a copy of
the example (its .venv linked in), as whole `lockgate` processes, so start-up counts too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "tenancy-api"
LOCKGATE = REPO / ".venv" / "bin" / "lockgate"


def timed_run(project: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [str(LOCKGATE), "run", str(project), "--only", "lint,test", "--json"],
        capture_output=True,
        text=True,
        env={"CI": "1", "PATH": "/usr/bin:/bin"},
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"lockgate run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="lockgate-bench-") as tmp:
        project = Path(tmp) / "tenancy-api"
        shutil.copytree(
            EXAMPLE, project, ignore=shutil.ignore_patterns(".venv", ".lockgate", "wheels")
        )
        (project / ".venv").symlink_to(EXAMPLE / ".venv")
        cold = timed_run(project)
        warm = min(timed_run(project) for _ in range(3))
    ratio = cold / warm
    ok = warm <= 1.0 and ratio >= 10
    print(
        f"cache: cold {cold:.2f} s, warm {warm:.2f} s (best of 3), cold/warm = {ratio:.1f}x "
        f"(targets: warm <= 1 s, >= 10x) {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

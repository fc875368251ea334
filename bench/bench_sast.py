"""Recall of lockgate's own sast rules per weakness class, and the stage's time against its engines.

1. Recall: the stage with semgrep only (lockgate's rules, bandit off) on the Flask, Django and
   Express fixture apps (tests/fixtures/sast/apps): planted weaknesses caught per class, and
   findings in the fixed apps (should be none).
2. Time: the stage (semgrep + bandit, merged) against semgrep and bandit run directly on the same
   files with the same command lines, each alone and both at once; ratios from one run.
3. Optional false-alarm check on real clean trees: `--real DIR [DIR ...]` (for example unpacked
   `pip download --no-binary :all: --no-deps flask==3.1.0 django==5.1.4` and `npm pack
   express@4.21.2`): each tree is copied into a temporary git repository and scanned; findings by
   severity, what was left out, and time against semgrep run directly.

Run: .venv/bin/python bench/bench_sast.py [--real DIR ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lockgate.model import Severity  # noqa: E402
from lockgate.sast import bandit, semgrep  # noqa: E402
from lockgate.stages.sast import SastStage  # noqa: E402
from lockgate.tools import proc  # noqa: E402
from tests.sast.fixture_apps import REQUIRED, caught, copy_apps, planted  # noqa: E402
from tests.testing.harness import init_git, make_context  # noqa: E402

ROUNDS = 3
Cmd = tuple[list[str], dict[str, str]]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def recall(tmp: Path) -> list[str]:
    root = copy_apps(tmp / "apps")
    ctx = make_context(SastStage, root, tmp / "art-recall", engines=["semgrep"])
    result = SastStage().run(ctx)
    weak = planted(root)
    lines = ["| class | Flask | Django | Express | recall |", "|---|---|---|---|---|"]
    total = hit = 0
    for cls in (*REQUIRED, "jwt"):
        cells = []
        for fw in ("flask", "django", "express"):
            mine = [w for w in weak if w.cls == cls and w.app == f"{fw}/vulnerable"]
            got = sum(caught(w, result.findings) for w in mine)
            cells.append(f"{got}/{len(mine)}")
            total, hit = total + len(mine), hit + got
        mine = [w for w in weak if w.cls == cls]
        share = sum(caught(w, result.findings) for w in mine) / max(1, len(mine))
        lines.append(f"| {cls} | {' | '.join(cells)} | {share:.0%} |")
    fixed = [f for f in result.findings if "/fixed/" in (f.location.path if f.location else "")]
    lines.append(f"| **all** | | | | **{hit}/{total}** |")
    lines.append(f"\nfindings in the fixed apps: {len(fixed)}")
    return lines


def direct_commands(project: Path, files: Sequence[str], out: Path) -> dict[str, Cmd]:
    """The command lines the stage runs, by hand (semgrep: lockgate's rules)."""
    sg = [f for f in files if semgrep.applies(f)]
    py = [f for f in files if bandit.applies(f)]
    env = {"SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}
    exe = str(proc.which("semgrep"))
    return {
        "semgrep": ([*semgrep._argv(exe, [semgrep.RULES_DIR], out / "s.sarif"), "--", *sg], env),
        "bandit": ([str(proc.which("bandit")), "-f", "json", "-q", "-s", "B101", "--", *py], {}),
    }


def run_direct(project: Path, cmds: Sequence[Cmd]) -> None:
    def one(cmd: Cmd) -> None:
        argv, env = cmd
        subprocess.run(
            argv,
            cwd=project,
            capture_output=True,
            check=False,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **env},
        )

    with ThreadPoolExecutor(len(cmds)) as pool:
        list(pool.map(one, cmds))


def timing(project: Path, tmp: Path, engines: list[str], rounds: int = ROUNDS) -> tuple[str, dict]:
    ctx = make_context(SastStage, project, tmp / "art-time", engines=engines, exclude=[])
    stage = SastStage()
    result = stage.run(ctx)  # warms the OS caches
    files = [f for f in _scanned(ctx)]
    cmds = direct_commands(project, files, tmp)
    cmds = {k: v for k, v in cmds.items() if k in engines}
    best: dict[str, list[float]] = {"stage": [], "both": [], **{k: [] for k in cmds}}
    for _ in range(rounds):  # interleaved, so load from other processes hits every side alike
        best["stage"].append(timed(lambda: stage.run(ctx)))
        for name, cmd in cmds.items():
            best[name].append(timed(lambda cmd=cmd: run_direct(project, [cmd])))
        if len(cmds) > 1:
            best["both"].append(timed(lambda: run_direct(project, list(cmds.values()))))
    t = {k: min(v) for k, v in best.items() if v}
    parts = [f"stage {t['stage']:.2f} s ({len(result.findings)} findings, {len(files)} files)"]
    parts += [f"{k} directly {t[k]:.2f} s (ratio {t['stage'] / t[k]:.2f})" for k in cmds]
    if "both" in t:
        parts.append(f"both at once {t['both']:.2f} s (ratio {t['stage'] / t['both']:.2f})")
    return " | ".join(parts), {"result": result, **t}


def _scanned(ctx: object) -> list[str]:
    from lockgate.stages.sast import _select

    return list(_select(ctx).files)  # type: ignore[arg-type]


def real_tree(src: Path, tmp: Path) -> str:
    project = tmp / f"real-{src.name}"
    shutil.copytree(src, project, symlinks=True)
    try:
        init_git(project)
    except subprocess.CalledProcessError:  # git refuses some trees: scan them as plain folders
        shutil.rmtree(project / ".git", ignore_errors=True)
    line, t = timing(project, tmp, ["semgrep", "bandit"], rounds=1)
    result = t["result"]
    sev = Counter(f.severity for f in result.findings)
    failing = sum(n for s, n in sev.items() if s is not Severity.INFO)
    rules = Counter(f.rule_id for f in result.findings if f.severity is not Severity.INFO)
    top = ", ".join(f"{r} {n}" for r, n in rules.most_common(6))
    return (
        f"{src.name}: {failing} findings at low or above ({top}), {sev[Severity.INFO]} info "
        f"(test code); {result.unchecked_count} unchecked | {line}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", nargs="*", type=Path, default=[], help="clean source trees")
    parser.add_argument("--real-only", action="store_true", help="only the --real trees")
    args = parser.parse_args()
    if not all(proc.which(t) for t in ("semgrep", "bandit")):
        print("needs semgrep and bandit: run scripts/bootstrap")
        return 2
    with tempfile.TemporaryDirectory(prefix="lockgate-bench-sast-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.real_only:
            print("\n".join(recall(tmp)))
            apps = copy_apps(tmp / "timed-apps")
            shutil.copytree(REPO / "src" / "lockgate", apps / "lockgate", ignore=_no_rules)
            line, _ = timing(apps, tmp, ["semgrep", "bandit"])
            print(f"\nfixture apps + lockgate's own source: {line}")
        for tree in args.real:
            print(real_tree(tree.resolve(), tmp))
    return 0


def _no_rules(_dir: str, names: list[str]) -> list[str]:
    return [n for n in names if n in {"__pycache__", "rules"}]


if __name__ == "__main__":
    sys.exit(main())

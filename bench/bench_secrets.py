"""The secrets stage: detection quality on the rules table, and its cost next to the bare scanners.

Prints, all measured in this run:
- recall and false-positive rate on tests/secrets/cases.py (one file per case), per engine and merged;
- stage wall time vs detect-secrets + gitleaks run directly on the same tree (started together, as
  the stage runs them): orchestration overhead ratio, target <= 1.10;
- the same with --history (gitleaks git + lockgate's history pass);
- a re-run after a one-file change, and the pre-commit hook on a small change (target < 2 s).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lockgate.commands.hooks import run_hook  # noqa: E402
from lockgate.secrets.engines import gitleaks  # noqa: E402
from lockgate.stages.secrets import SecretsStage  # noqa: E402
from lockgate.tools import proc  # noqa: E402
from tests.secrets.cases import CLEAN, FLAG  # noqa: E402
from tests.testing.harness import init_git, make_context  # noqa: E402

REPEAT = 3


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def run_stage(root: Path, art: Path, **options: object) -> tuple[float, object]:
    ctx = make_context(SecretsStage, root, art, **options)
    start = time.perf_counter()
    result = SecretsStage().run(ctx)
    return time.perf_counter() - start, result


def quality(tmp: Path) -> None:
    root = tmp / "cases"
    root.mkdir()
    for i, case in enumerate(FLAG + CLEAN):
        (root / f"{i:03d}-{case.id}{case.suffix}").write_text(case.text + "\n")
    init_git(root)
    flag_files = {f"{i:03d}-{c.id}{c.suffix}" for i, c in enumerate(FLAG)}
    print(f"detection on {len(FLAG)} should-flag and {len(CLEAN)} should-not-flag cases:")
    print(f"  {'engine':<28} {'recall':>7} {'false-pos':>10}")
    for engines in (
        ["lockgate"],
        ["detect-secrets"],
        ["gitleaks"],
        ["lockgate", "detect-secrets", "gitleaks"],
    ):
        _, result = run_stage(root, tmp / "art-q", engines=engines)
        hit = {f.location.path for f in result.findings if f.location}  # type: ignore[attr-defined]
        recall = len(hit & flag_files) / len(FLAG)
        fp = len(hit - flag_files) / len(CLEAN)
        print(f"  {'+'.join(engines):<28} {recall:>7.1%} {fp:>10.1%}")


def sample_tree(tmp: Path) -> Path:
    """lockgate's own tracked files (a few hundred files of code, docs, fixtures), as a git repo."""
    root = tmp / "tree"
    files = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    )
    for rel in files.stdout.splitlines():
        src = REPO / rel
        if src.is_file():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, root / rel)
    init_git(root)
    for n in range(5):  # some history
        (root / f"history_{n}.txt").write_text(f"change {n}\n")
        git(root, "add", "-A")
        git(root, "commit", "-qm", f"change {n}")
    return root


def direct(root: Path, history: bool) -> float:
    """Wall time of the bare scanners on `root`, started together as the stage runs them."""
    ds = proc.which("detect-secrets")
    gl = gitleaks.find()[0]
    out = root.parent / "direct"
    out.mkdir(exist_ok=True)
    report = ["--redact", "--no-banner", "--exit-code", "0", "-f", "json", "-r"]
    same_plugins = ["--disable-plugin", "HexHighEntropyString"]  # the stage's default
    cmds = [[ds, "scan", *same_plugins], [gl, "dir", ".", *report, str(out / "d.json")]]
    if history:
        cmds.append([gl, "git", ".", *report, str(out / "g.json"), "--log-opts", "HEAD"])
    start = time.perf_counter()
    with ThreadPoolExecutor(len(cmds)) as pool:
        list(pool.map(lambda c: subprocess.run(c, cwd=root, capture_output=True, check=True), cmds))
    return time.perf_counter() - start


def overhead(tmp: Path) -> None:
    root = sample_tree(tmp)
    nfiles = len(
        subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True).stdout.split()
    )
    print(
        f"\ncost on a copy of lockgate's tree ({nfiles} files, 6 commits), median of {REPEAT}, interleaved:"
    )
    for history in (False, True):
        stage, bare, inner = [], [], []
        for _ in range(REPEAT):
            took, result = run_stage(root, tmp / "art", history=history)
            engines = [m.value for m in result.metrics if m.name.startswith("time_")]  # type: ignore[attr-defined]
            stage.append(took)
            inner.append(took - max(engines))
            bare.append(direct(root, history))
        s, d, o = statistics.median(stage), statistics.median(bare), statistics.median(inner)
        label = "with history" if history else "working tree"
        print(
            f"  {label:<13} stage {s:6.2f} s | scanners run directly {d:6.2f} s | ratio {s / d:4.2f}"
            f" (target <= 1.10) | time in the stage outside the slowest engine {o:5.2f} s"
        )
    cold = statistics.median(run_stage(root, tmp / "art")[0] for _ in range(REPEAT))
    model = root / "src" / "lockgate" / "model.py"
    warm = []
    for n in range(REPEAT):
        model.write_text(model.read_text() + f"\n# change {n}\n")
        warm.append(run_stage(root, tmp / "art")[0])
    w = statistics.median(warm)
    ctx = make_context(SecretsStage, root, tmp / "art")
    keys = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        SecretsStage().cache_key(ctx)
        keys.append(time.perf_counter() - start)
    k = statistics.median(keys)
    print(
        f"  cache key (all a cached, unchanged re-run costs) {k:5.2f} s, {k / cold:4.2f} of a full run"
    )
    print(
        f"  re-run after a one-file change {w:5.2f} s vs an unchanged re-run {cold:5.2f} s"
        f" (ratio {w / cold:4.2f}: the stage has no per-file cache, it rescans every file;"
        " the engine's stage cache skips it only when nothing changed)"
    )


def hook(tmp: Path) -> None:
    root = tmp / "hook"
    root.mkdir()
    (root / "app.py").write_text("x = 1\n")
    init_git(root)
    (root / "app.py").write_text("x = 2\ny = 'hello'\n")
    git(root, "add", "app.py")
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        assert run_hook(root, "pre-commit") == 0
        times.append(time.perf_counter() - start)
    cli = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        subprocess.run(
            [str(REPO / ".venv" / "bin" / "lockgate"), "hooks", "run", "pre-commit", str(root)],
            check=True,
            capture_output=True,
        )
        cli.append(time.perf_counter() - start)
    print(
        f"\npre-commit hook on a one-file change: {statistics.median(times):.2f} s in-process,"
        f" {statistics.median(cli):.2f} s as `lockgate hooks run pre-commit` (target < 2 s)"
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="lockgate-bench-secrets-") as tmp:
        quality(Path(tmp))
        overhead(Path(tmp))
        hook(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())

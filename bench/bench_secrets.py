"""The secrets stage: detection quality on the rules table, real trees against gitleaks, the hook.

Prints, all measured in this run:
- recall and false-positive rate on tests/secrets/cases.py (one file per case), per engine and per
  profile; a false positive is a failing finding on a should-not-flag or example case;
- on a large real tree (the source distributions of SQLAlchemy 2.0.36 and pip 24.3.1, vue 3.5.13
  and @vue/compiler-core 3.5.13 from npm, unpacked and committed to a temporary git repository):
  the stage's failing findings vs gitleaks' findings (target: no more), and the stage's wall time
  vs `gitleaks dir` alone (target <= 1.5x), plus what lockgate's own rules report there;
- the pre-commit hook (`lockgate hooks run pre-commit`, as git runs it) vs `gitleaks git --staged`
  on the same change, a one-file change and the whole tree staged (target <= 1.5x).

The packages are fetched once with pip and npm into $LOCKGATE_BENCH_CACHE (default
~/.cache/lockgate-bench); `--quick` skips the real tree, `--no-paranoid` the (slow) paranoid run.
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
sys.path.insert(0, str(REPO))

from lockgate.engine.gate import apply_gate  # noqa: E402
from lockgate.model import FindingState  # noqa: E402
from lockgate.secrets.engines import gitleaks  # noqa: E402
from lockgate.stages.interface import Gate  # noqa: E402
from lockgate.stages.secrets import SecretsStage  # noqa: E402
from tests.secrets.cases import CLEAN, EXAMPLE, FLAG  # noqa: E402
from tests.testing.harness import init_git, make_context  # noqa: E402

REPEAT = 3


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def run_stage(root: Path, art: Path, **options: object) -> tuple[float, object]:
    ctx = make_context(SecretsStage, root, art, **options)
    start = time.perf_counter()
    result = SecretsStage().run(ctx)
    return time.perf_counter() - start, result


def failing(result: object) -> list[object]:
    """The findings the default gate fails on (open, at or above fail_on = low)."""
    judged = apply_gate(result, Gate())  # type: ignore[arg-type]
    return [f for f in judged.findings if f.state is FindingState.OPEN]


def quality(tmp: Path) -> None:
    root = tmp / "cases"
    root.mkdir()
    cases = FLAG + CLEAN + EXAMPLE
    for i, case in enumerate(cases):
        path = root / case.file_name(i)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(case.text + "\n")
    init_git(root)
    flag_files = {c.file_name(i) for i, c in enumerate(FLAG)}
    print(
        f"detection on {len(FLAG)} should-flag, {len(CLEAN)} should-not-flag and {len(EXAMPLE)}"
        " example cases (false positive: a failing finding on the last two):"
    )
    print(f"  {'engines':<40} {'recall':>7} {'false-pos':>10}")
    for label, options in (
        ("lockgate's rules", {"engines": ["lockgate"]}),
        ("gitleaks", {"engines": ["gitleaks"]}),
        (
            "detect-secrets (paranoid plugins)",
            {"engines": ["detect-secrets"], "profile": "paranoid"},
        ),
        ("standard profile (lockgate + gitleaks)", {}),
        ("paranoid profile (+ detect-secrets)", {"profile": "paranoid"}),
    ):
        _, result = run_stage(root, tmp / "art-q", **options)
        hit = {f.location.path for f in failing(result) if f.location}  # type: ignore[attr-defined]
        recall = len(hit & flag_files) / len(FLAG)
        fp = len(hit - flag_files) / (len(CLEAN) + len(EXAMPLE))
        print(f"  {label:<40} {recall:>7.1%} {fp:>10.1%}")


# --- the real tree ------------------------------------------------------------------------------

PYPI = ("sqlalchemy==2.0.36", "pip==24.3.1")
NPM = ("vue@3.5.13", "@vue/compiler-core@3.5.13")


def cache_dir() -> Path:
    return Path(os.environ.get("LOCKGATE_BENCH_CACHE") or Path.home() / ".cache" / "lockgate-bench")


def fetch(cache: Path) -> list[Path]:
    """The sdists and npm tarballs, downloaded once (pip builds sdist metadata: it needs wheel)."""
    cache.mkdir(parents=True, exist_ok=True)
    have = sorted(cache.glob("*.tar.gz")) + sorted(cache.glob("*.tgz"))
    if len(have) >= len(PYPI) + len(NPM):
        return have
    venv = cache / "venv"
    if not (venv / "bin" / "pip").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "-q", "install", "setuptools", "wheel"], check=True
        )
    subprocess.run(
        [
            str(venv / "bin" / "pip"),
            "-q",
            "download",
            "--no-binary",
            ":all:",
            "--no-deps",
            "--no-build-isolation",
            *PYPI,
            "-d",
            str(cache),
        ],
        check=True,
    )
    subprocess.run(["npm", "pack", "--silent", *NPM], cwd=cache, check=True, capture_output=True)
    return sorted(cache.glob("*.tar.gz")) + sorted(cache.glob("*.tgz"))


def real_tree(tmp: Path) -> Path:
    root = tmp / "real"
    root.mkdir()
    for archive in fetch(cache_dir()):
        dest = root / archive.name.removesuffix(".tar.gz").removesuffix(".tgz")
        dest.mkdir()
        subprocess.run(
            ["tar", "xzf", str(archive), "-C", str(dest), "--strip-components=1"], check=True
        )
    init_git(root)  # commits everything
    return root


def gitleaks_dir(root: Path, out: Path) -> tuple[float, list[dict[str, object]]]:
    """`gitleaks dir` alone with the flags the stage uses: wall time and its findings."""
    binary = gitleaks.find()[0] or "gitleaks"
    report = out / "gitleaks.json"
    start = time.perf_counter()
    subprocess.run(
        [
            binary,
            "dir",
            ".",
            "--redact",
            "--no-banner",
            "--no-color",
            "--log-level",
            "error",
            "--exit-code",
            "0",
            "--report-format",
            "json",
            "--report-path",
            str(report),
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )
    took = time.perf_counter() - start
    return took, json.loads(report.read_text())


def tree_comparison(tmp: Path) -> None:
    root = real_tree(tmp)
    nfiles = len(
        subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True).stdout.split()
    )
    print(
        f"\nreal tree: {', '.join(PYPI + NPM)} ({nfiles} tracked files), median of {REPEAT}, interleaved:"
    )
    stage_t, gl_t = [], []
    result, leaks = None, []
    for _ in range(REPEAT):
        took, result = run_stage(root, tmp / "art-real")
        stage_t.append(took)
        took, leaks = gitleaks_dir(root, tmp)
        gl_t.append(took)
    s, g = statistics.median(stage_t), statistics.median(gl_t)
    fails = failing(result)
    examples = [f for f in result.findings if f.rule_id == "example-credential"]  # type: ignore[attr-defined]
    print(
        f"  findings: stage {len(fails)} failing ({len(examples)} example credentials at info)"
        f" | gitleaks {len(leaks)} | target: stage <= gitleaks: {'met' if len(fails) <= len(leaks) else 'MISSED'}"
    )
    print(
        f"  wall time: stage {s:6.2f} s | gitleaks dir {g:6.2f} s | ratio {s / g:4.2f} (target <= 1.50)"
    )
    per_pkg: dict[str, int] = {}
    for f in examples:
        top = f.location.path.split("/")[0]  # type: ignore[attr-defined]
        per_pkg[top] = per_pkg.get(top, 0) + 1
    print(f"  example credentials by package: {per_pkg}")
    for f in fails:
        print(f"  failing: {f.rule_id} {f.where}")  # type: ignore[attr-defined]
    if "--no-paranoid" not in sys.argv[1:]:
        took, para = run_stage(root, tmp / "art-para", profile="paranoid")
        print(
            f"  paranoid profile: {len(failing(para))} failing, {took:6.2f} s"
            f" ({took / g:4.2f}x gitleaks dir)"
        )
    hook_on(root, tmp)


def hook_cli(root: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [str(REPO / ".venv" / "bin" / "lockgate"), "hooks", "run", "pre-commit", str(root)],
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - start
    assert done.returncode == 0, done.stderr[-2000:]  # the tree is clean: the hook lets it through
    return took


def gitleaks_staged(root: Path, out: Path) -> float:
    """`gitleaks git --staged` as a hook would run it, its report in a file of our own (never a
    device: gitleaks replaces the report path with a regular file)."""
    binary = gitleaks.find()[0] or "gitleaks"
    start = time.perf_counter()
    subprocess.run(
        [
            binary,
            "git",
            ".",
            "--staged",
            "--redact",
            "--no-banner",
            "--log-level",
            "error",
            "--exit-code",
            "0",
            "--report-format",
            "json",
            "--report-path",
            str(out / "staged.json"),
        ],
        cwd=root,
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - start


def hook_on(root: Path, tmp: Path) -> None:
    """The hook against `gitleaks git --staged`: a one-file change, then the whole tree staged."""
    target = next(p for p in sorted(root.rglob("*.py")) if ".git" not in p.parts)
    target.write_text(target.read_text() + "\nEXTRA = 'one more line'\n")
    git(root, "add", str(target.relative_to(root)))
    whole = tmp / "staged-all"
    shutil.copytree(root, whole, ignore=shutil.ignore_patterns(".git", ".lockgate"))
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=whole, check=True)
    git(whole, "add", "-A")
    for label, where in (("one-file change", root), ("whole tree staged", whole)):
        hooks, leaks = [], []
        for _ in range(REPEAT):
            hooks.append(hook_cli(where))
            leaks.append(gitleaks_staged(where, tmp))
        h, g = statistics.median(hooks), statistics.median(leaks)
        print(
            f"  pre-commit hook, {label}: hook {h:5.2f} s | gitleaks git --staged {g:5.2f} s"
            f" | ratio {h / g:4.2f} (target <= 1.50)"
        )


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="lockgate-bench-secrets-") as tmp:
        quality(Path(tmp))
        if not quick:
            tree_comparison(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())

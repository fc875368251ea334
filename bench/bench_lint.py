"""The lint stage on a generated ~2,000-file mixed repository against the same tools run directly.

The repository holds Python, JavaScript/TypeScript, Markdown, YAML, shell scripts (with and
without an extension), Terraform and Containerfiles, some of each with problems. "Direct" runs each tool once over all of
its files with the same command line lockgate uses, one after another (no lockgate: no file
listing, no UTF-8 pre-read, no version probes, no parsing into findings). The stage runs as every
run after the first does: tool versions are remembered across runs by the binary's identity (the
bench keeps that cache in its temporary folder and fills it once); the result cache is not used.
Best of ROUNDS each, taking turns; the ratio is stage / direct.

Run: .venv/bin/python bench/bench_lint.py [--files N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lockgate import fsutil  # noqa: E402
from lockgate.lint import engine  # noqa: E402
from lockgate.lint.registry import LINTERS  # noqa: E402
from lockgate.stages.lint import LintStage  # noqa: E402
from lockgate.tools import proc, versions  # noqa: E402
from tests.testing.harness import init_git, make_context  # noqa: E402

ROUNDS = 3
# kind -> (share of the files, file name for number i, text for number i)
KINDS: dict[str, tuple[float, Callable[[int], str], Callable[[int], str]]] = {
    "python": (
        0.30,
        lambda i: f"app/mod{i // 50}/m{i}.py",
        lambda i: (
            ("import os\n\n" if i % 7 == 0 else "")
            + f'"""Module {i}."""\n\n\ndef f{i}(x: int) -> int:\n    return x * {i}\n'
        ),
    ),
    "markdown": (
        0.15,
        lambda i: f"docs/d{i // 50}/page{i}.md",
        lambda i: f"# Page {i}\n\n" + ("## Part\nText.\n" if i % 9 == 0 else "Some text.\n"),
    ),
    "yaml": (
        0.15,
        lambda i: f"deploy/y{i // 50}/svc{i}.yaml",
        lambda i: (
            f"name: svc-{i}\nreplicas: {i % 3 + 1}\n" + ("replicas: 2\n" if i % 11 == 0 else "")
        ),
    ),
    "shell": (
        0.125,
        lambda i: f"scripts/s{i // 50}/run{i}" + (".sh" if i % 2 else ""),
        lambda i: "#!/bin/sh\nset -eu\n" + ("echo $1\n" if i % 5 == 0 else 'echo "$1"\n'),
    ),
    "terraform": (
        0.125,
        lambda i: f"infra/mod{i // 25}/main{i}.tf",
        lambda i: (
            f'variable "v{i}" {{\n'
            + ("\ttype = string\n" if i % 13 == 0 else "  type = string\n")
            + "}\n"
        ),
    ),
    "javascript": (
        0.05,
        lambda i: f"web/w{i // 50}/c{i}." + ("ts" if i % 2 else "js"),
        lambda i: (
            ("let unused = 1;\n" if i % 8 == 0 else "") + f"export const f{i} = (x) => x * {i};\n"
        ),
    ),
    "containerfile": (
        0.1,
        lambda i: f"images/img{i}/Containerfile",
        lambda i: (
            "FROM debian:bookworm-slim\n"
            + ("RUN apt-get install -y curl\n" if i % 4 == 0 else "USER 65534\n")
        ),
    ),
}


def generate(root: Path, total: int) -> int:
    count = 0
    for share, name, text in KINDS.values():
        for i in range(round(total * share)):
            path = root / name(i)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text(i))
            count += 1
    init_git(root)
    return count


def direct(root: Path) -> None:
    """Each tool once over all its files, one after another, with lockgate's command lines."""
    files = fsutil.project_files(root)
    options = {"paths": [], "format": True}
    req = engine.Request(root, options, 600)
    for linter in engine.enabled(req):
        targets = engine.claimed(req, linter, files)
        if targets and engine.why_not(linter) is None:  # tflint, when it is not installed
            tool = proc.require(linter.tool, linter.install_hint)
            proc.run(linter.argv(tool, root, targets), cwd=root, timeout=600)


def stage(root: Path, artifacts: Path) -> tuple[int, int]:
    engine._VERSIONS.clear()
    result = LintStage().run(make_context(LintStage, root, artifacts))
    assert not result.unchecked, result.unchecked
    return len(result.findings), dict((m.name, int(m.value)) for m in result.metrics)["files"]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of_both(first: Callable[[], object], second: Callable[[], object]) -> tuple[float, float]:
    """Best of ROUNDS each, the two taking turns (a shared machine's load drifts)."""
    a, b = [], []
    for _ in range(ROUNDS):
        a.append(timed(first))
        b.append(timed(second))
    return min(a), min(b)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-lint-") as tmp:
        os.environ[versions.ENV_VAR] = str(Path(tmp) / "cache")
        root = Path(tmp) / "repo"
        count = generate(root, args.files)
        findings, linted = stage(root, Path(tmp) / "warm")
        req = engine.Request(root, {"paths": [], "format": True}, 600)
        listed = fsutil.project_files(root)
        names = sorted(
            lt.name
            for lt in LINTERS
            if engine.claimed(req, lt, listed) and engine.why_not(lt) is None
        )
        t_direct, t_stage = best_of_both(lambda: direct(root), lambda: stage(root, Path(tmp) / "a"))
    print(f"repository: {count} files; linters: {', '.join(names)}")
    print(f"stage: {linted} files linted, {findings} findings")
    print(f"tools run directly, one after another: {t_direct:.2f} s (best of {ROUNDS})")
    print(f"lint stage:                             {t_stage:.2f} s (best of {ROUNDS})")
    print(f"ratio stage / direct: {t_stage / t_direct:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

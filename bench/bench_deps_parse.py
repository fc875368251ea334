"""Lock-file parsing is linear: parse time of a generated 16,000-package lock ÷ a 1,600-package one.

Linear ≈ 10x; the former line lookup (a scan from the top of the file per package) made it ≈ 100x
(14,552 packages took 44 s). One ratio per format, measured in this run (best of 5 each), with
Python's cyclic garbage collector on (what a run sees) and paused (lockgate's own work: CPython's
collector adds a superlinear share while any parser builds a large object tree, most of all
PyYAML's). The verdict is on the paused ratio. Run: .venv/bin/python bench/bench_deps_parse.py
"""

from __future__ import annotations

import gc
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from lockgate.deps.parsers import parse_file  # noqa: E402

SMALL, LARGE = 1_600, 16_000
ROUNDS = 5
TARGET = 15.0  # a linear parser stays well under 15x for 10x the packages


def name(i: int) -> str:
    return f"pkg-{i:05d}"


def package_lock(n: int) -> str:
    packages: dict[str, object] = {"": {"name": "app", "dependencies": {name(0): "^1.0.0"}}}
    for i in range(n):
        packages[f"node_modules/{name(i)}"] = {
            "version": f"1.{i % 50}.{i % 7}",
            "resolved": f"https://registry.example.invalid/{name(i)}/-/{name(i)}-1.0.0.tgz",
            "integrity": "sha512-" + "A" * 86,
            "dependencies": {name((i + 1) % n): "^1.0.0"},
        }
    return json.dumps({"name": "app", "lockfileVersion": 3, "packages": packages}, indent=2)


def package_lock_v1(n: int) -> str:
    deps = {
        name(i): {"version": f"1.{i % 50}.0", "requires": {name((i + 1) % n): "^1.0.0"}}
        for i in range(n)
    }
    return json.dumps({"name": "app", "lockfileVersion": 1, "dependencies": deps}, indent=2)


def poetry_lock(n: int) -> str:
    blocks = [
        f'[[package]]\nname = "{name(i)}"\nversion = "1.{i % 50}.0"\ndescription = ""\n'
        f'optional = false\npython-versions = "*"\n\n[package.dependencies]\n'
        f'{name((i + 1) % n)} = "*"\n'
        for i in range(n)
    ]
    return "\n".join(blocks) + '\n[metadata]\nlock-version = "2.0"\n'


def yarn_lock(n: int) -> str:
    blocks = [
        f'{name(i)}@^1.0.0:\n  version "1.{i % 50}.0"\n'
        f'  resolved "https://registry.example.invalid/{name(i)}/-/{name(i)}-1.0.0.tgz"\n'
        f'  dependencies:\n    {name((i + 1) % n)} "^1.0.0"\n'
        for i in range(n)
    ]
    return "# yarn lockfile v1\n\n\n" + "\n".join(blocks)


def nuget_lock(n: int) -> str:
    packages = {
        f"Pkg.N{i:05d}": {"type": "Transitive", "resolved": f"1.{i % 50}.0", "contentHash": "x"}
        for i in range(n)
    }
    return json.dumps({"version": 1, "dependencies": {"net8.0": packages}}, indent=2)


def pipfile_lock(n: int) -> str:
    default = {name(i): {"hashes": [], "version": f"==1.{i % 50}.0"} for i in range(n)}
    return json.dumps({"_meta": {}, "default": default, "develop": {}}, indent=4)


def pnpm_lock(n: int) -> str:
    lines = ["lockfileVersion: '9.0'", "", "packages:", ""]
    for i in range(n):
        lines += [f"  {name(i)}@1.{i % 50}.0:", "    resolution: {integrity: sha512-AAAA}", ""]
    return "\n".join(lines)


FORMATS: dict[str, Callable[[int], str]] = {
    "package-lock.json": package_lock,
    "npm-shrinkwrap.json": package_lock_v1,
    "poetry.lock": poetry_lock,
    "yarn.lock": yarn_lock,
    "packages.lock.json": nuget_lock,
    "Pipfile.lock": pipfile_lock,
    "pnpm-lock.yaml": pnpm_lock,
}


def best(root: Path, file: str, collect: bool) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(ROUNDS):
        gc.collect()
        if not collect:
            gc.disable()
        try:
            start = time.perf_counter()
            result = parse_file(root, file)
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
        count = len(result.dependencies)
    return min(times), count


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory(prefix="lockgate-bench-") as tmp:
        for file, make in FORMATS.items():
            timings: dict[tuple[int, bool], float] = {}
            for n in (SMALL, LARGE):
                root = Path(tmp) / f"{n}-{file}"
                root.mkdir()
                (root / file).write_text(make(n))
                for collect in (True, False):
                    seconds, count = best(root, file, collect)
                    assert count == n, f"{file}: parsed {count} of {n} packages"
                    timings[n, collect] = seconds
            on = timings[LARGE, True] / timings[SMALL, True]
            off = timings[LARGE, False] / timings[SMALL, False]
            ok &= off <= TARGET
            print(
                f"{file:20} {SMALL} packages {timings[SMALL, True] * 1000:6.0f} ms | {LARGE} "
                f"packages {timings[LARGE, True] * 1000:6.0f} ms | ratio {on:5.1f}x, "
                f"collector paused {off:5.1f}x (linear = 10x, target <= {TARGET:.0f}x) "
                f"{'PASS' if off <= TARGET else 'FAIL'}"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""`lockgate init [PATH]`: detect the project's stacks, choose the pack, write a commented
lockgate.toml that extends it and, with `--ci github|gitlab|circleci`, the CI system's file."""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from lockgate.config import schema
from lockgate.config.loader import stage_options
from lockgate.errors import LockgateError
from lockgate.fsutil import ALWAYS_SKIPPED
from lockgate.stages.interface import Stage

MAX_DEPTH = 5  # how deep stack detection looks (csproj and .tf files usually sit in subfolders)
SITE_DIRS = ("", "public", "site", "www", "html", "static")

Detector = Callable[[frozenset[str]], bool]


def _at_root(*names: str) -> Detector:
    return lambda files: any(n in files for n in names)


def _anywhere(*suffixes: str) -> Detector:
    return lambda files: any(f.endswith(suffixes) for f in files)


def _requirements(files: frozenset[str]) -> bool:
    return any(
        (f.startswith("requirements") and f.endswith(".txt") and "/" not in f)
        or (f.startswith("requirements/") and f.endswith(".txt") and f.count("/") == 1)
        for f in files
    )


# id, label, detector over the project's relative file paths; "static" is decided last.
STACKS: tuple[tuple[str, str, Detector], ...] = (
    ("python", "Python", lambda f: _at_root("pyproject.toml", "setup.py")(f) or _requirements(f)),
    ("node", "Node.js", _at_root("package.json")),
    ("dotnet", ".NET", _anywhere(".csproj", ".sln")),
    ("ruby", "Ruby", _at_root("Gemfile")),
    ("terraform", "Terraform", _anywhere(".tf")),
)
STATIC = ("static", "static site")
TESTABLE = frozenset({"python", "node", "dotnet", "ruby"})  # stacks that usually have a test suite
LABELS = dict([*((i, label) for i, label, _ in STACKS), STATIC])
# The built-in pack of each stack, in order of preference: an application's pack wins over
# terraform's (infrastructure is kept apart: its repository gets the terraform pack alone).
PACKS = {
    "python": "python-service@1",
    "node": "node-frontend@1",
    "dotnet": "dotnet-api@1",
    "ruby": "rails-app@1",
    "static": "static-site@1",
    "terraform": "terraform@1",
}
PROFILE = "profile"  # `--ci` without a system: only the CI profile (fail_on_unchecked = true)


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "init",
        help="write a commented lockgate.toml for the project's stack",
        description="Detect the project's stacks (Python, Node.js, .NET, Ruby, Terraform, static "
        "site) and write a minimal, commented lockgate.toml.",
    )
    p.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    p.add_argument("--force", action="store_true", help="overwrite an existing lockgate.toml")
    p.add_argument(
        "--ci",
        nargs="?",
        const=PROFILE,
        default=None,
        metavar="SYSTEM",
        help="CI profile: every stage fails on what it could not check (fail_on_unchecked = "
        "true); with github, gitlab or circleci, also write that system's CI file",
    )
    p.add_argument(
        "--no-hooks",
        action="store_true",
        help="do not install the git pre-commit and pre-push hooks (installed by default in a git "
        "work tree; `lockgate hooks install` does it later)",
    )
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    from lockgate import ci

    root, system = Path(args.path), args.ci
    if system not in (None, PROFILE) and system.lower() not in {s.value for s in ci.System}:
        if args.path == "." and Path(system).is_dir():  # `lockgate init --ci PATH`
            root, system = Path(system), PROFILE
        else:
            ci.system_of(system)  # raises: unknown CI system, with the known ones
    written, stacks = init_project(root, force=args.force, ci=system is not None)
    found = ", ".join(LABELS[s] for s in stacks) or "no known stack"
    print(f"wrote {written} ({found})")
    if pack := choose_pack(stacks):
        print(
            f"it extends the {pack} pack: `lockgate config show` prints every value and its origin"
        )
    if system not in (None, PROFILE):
        chosen = ci.system_of(system)
        ci_file = ci.write(chosen, root, force=args.force)
        print(f"wrote {ci_file} (check it: check-jsonschema --builtin-schema {ci.SCHEMAS[chosen]})")
    if (root / schema.PYPROJECT_FILE).is_file() and _has_tool_table(root / schema.PYPROJECT_FILE):
        print(
            f"note: {schema.PYPROJECT_FILE} has a [tool.lockgate] table; {schema.CONFIG_FILE} "
            "now takes precedence, so move those settings over",
            file=sys.stderr,
        )
    if not args.no_hooks:
        _install_hooks(root)
    print("next: review it, then run `lockgate run`")
    return 0


def _install_hooks(root: Path) -> None:
    """The secrets hooks, so nothing the gate would fail reaches a commit; a folder outside git,
    or hooks of another tool already there, is a note with the command to run later."""
    from lockgate.commands import hooks

    try:
        top = hooks.toplevel(root)
    except LockgateError:
        print(
            "note: not a git work tree, so no git hooks were installed; after `git init`, run "
            "`lockgate hooks install`",
            file=sys.stderr,
        )
        return
    try:
        hooks.install(top)
    except LockgateError as exc:
        print(f"note: git hooks not installed: {exc.message}; {exc.hint}", file=sys.stderr)


def init_project(
    path: Path,
    *,
    force: bool = False,
    stages: Mapping[str, type[Stage]] | None = None,
    ci: bool = False,
) -> tuple[Path, tuple[str, ...]]:
    """Write `path`/lockgate.toml for the detected stacks; return the file and the stack ids.

    `stages` defaults to every registered stage. Refuses to overwrite unless `force`.
    `ci`: the CI profile, where every stage fails on anything it could not check.
    """
    if not path.is_dir():
        raise LockgateError(f"not a folder: {path}", hint="pass the project's root folder")
    target = path / schema.CONFIG_FILE
    if target.exists() and not force:
        raise LockgateError(
            f"{schema.CONFIG_FILE} already exists",
            where=str(target),
            hint="edit it, or rerun with --force to replace it with a fresh one",
        )
    if stages is None:
        from lockgate.stages.registry import all_stages

        stages = all_stages()
    stacks = detect_stacks(path)
    name = path.resolve().name
    pack = choose_pack(stacks, stages)
    text = render_config(name, base_branch(path), stacks, stages, ci=ci, pack=pack)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise LockgateError(
            f"cannot write {schema.CONFIG_FILE}: {exc.strerror}",
            where=str(target),
            hint="check that the folder is writable and the name is not taken by a folder",
        ) from None
    return target, stacks


def choose_pack(
    stacks: tuple[str, ...], stages: Mapping[str, type[Stage]] | None = None
) -> str | None:
    """The built-in pack for the first detected stack whose pack fits `stages` (every stage the
    pack configures is registered); None when no stack has one."""
    from lockgate.config.packs.sources import BUILTIN_DIR, parse

    for stack in stacks:
        ref = PACKS.get(stack)
        if ref is None:
            continue
        data, _ = parse(ref, (BUILTIN_DIR / f"{ref}.toml").read_text(encoding="utf-8"))
        if stages is None or set(data.get("stages", {})) <= set(stages):
            return ref
    return None


def detect_stacks(root: Path) -> tuple[str, ...]:
    """Ids of the stacks found under `root`, in STACKS order; ("static",) when only a site is."""
    files = frozenset(_files(root))
    found = tuple(stack for stack, _, detect in STACKS if detect(files))
    if not found and any(f"{d}/index.html".lstrip("/") in files for d in SITE_DIRS):
        return (STATIC[0],)
    return found


def _files(root: Path) -> Iterable[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        depth = len(rel.parts)
        dirnames[:] = [] if depth >= MAX_DEPTH else [d for d in dirnames if d not in ALWAYS_SKIPPED]
        yield from ((rel / f).as_posix() for f in filenames)


def base_branch(root: Path) -> str:
    """The remote's default branch when git knows it, else main, else master, else "main"."""
    git = root / ".git"
    origin_head = _read(git / "refs" / "remotes" / "origin" / "HEAD")
    if origin_head.startswith("ref: refs/remotes/origin/"):
        return origin_head.removeprefix("ref: refs/remotes/origin/").strip()
    packed = _read(git / "packed-refs")
    for candidate in ("main", "master"):
        if (git / "refs" / "heads" / candidate).is_file() or f" refs/heads/{candidate}\n" in packed:
            return candidate
    return "main"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _has_tool_table(pyproject: Path) -> bool:
    return any(line.strip().startswith("[tool.lockgate") for line in _read(pyproject).splitlines())


# --- the file ------------------------------------------------------------------------------------


def render_config(
    name: str,
    branch: str,
    stacks: tuple[str, ...],
    stages: Mapping[str, type[Stage]],
    today: datetime.date | None = None,
    *,
    ci: bool = False,
    pack: str | None = None,
) -> str:
    """A minimal, commented lockgate.toml that load_config accepts for these stages.

    The example suppression expires 90 days after `today`, so it is never written already expired.
    `ci`: every stage gets `fail_on_unchecked = true` (a gap fails the run instead of a warning).
    `pack`: the file extends it, and leaves the thresholds it sets to it.
    """
    example_expiry = (today or datetime.date.today()) + datetime.timedelta(days=90)
    found = ", ".join(LABELS[s] for s in stacks) or "no known stack"
    run = {o.name: o.default for o in schema.RUN.options}
    parts = [
        f"# lockgate configuration, written by `lockgate init` (detected: {found}).",
        "# Keys left out keep their defaults. Every key, its type and default: the",
        '# "Config reference" section of lockgate\'s README. Unknown keys are reported.',
        "",
        *_extends(pack),
        "[project]",
        "# Service name in reports, the run history and deployments.",
        f"name = {_toml_string(name)}",
        "# Branch that new findings are compared against; production deploys come only from it.",
        f"base_branch = {_toml_string(branch)}",
        "",
        "[run]",
        "# Stages run in parallel; 0 = one per CPU core.",
        f"jobs = {run['jobs']}",
        "# Time limit of each stage, in seconds (a stage may set its own `timeout`).",
        f"timeout = {int(run['timeout'])}",
        "",
        *_stages_intro(stages, ci),
        *_stage_blocks(stacks, stages, ci, pack),
        "# An accepted finding needs a reason and an expiry date (expired ones fail the gate):",
        "# [[suppress]]",
        '# stage = "lint"',
        '# rule = "E501"',
        '# path = "tests/*"',
        '# reason = "long test data lines are fine"',
        f"# expires = {example_expiry.isoformat()}",
    ]
    return "\n".join(parts) + "\n"


def _stages_intro(stages: Mapping[str, type[Stage]], ci: bool) -> list[str]:
    lines = ["# Stages (tune each in a [stages.NAME] table):"]
    for name, cls in stages.items():
        description = " ".join(str(getattr(cls, "description", "")).split())
        lines.append(f"#   {name:<14} {description}".rstrip())
    lines += [
        "# Every stage accepts: enabled (true/false); fail_on, the lowest severity that fails the",
        "# gate (critical, high, medium, low, info); new_only, fail only on findings that are new",
        "# compared with base_branch; timeout (seconds); fail_on_unchecked, fail (not only warn)",
        "# when the stage could not check something (a file, a package, a scanner that cannot run).",
    ]
    if ci:
        lines.append(
            "# CI profile (`lockgate init --ci`): every stage has fail_on_unchecked = true."
        )
    else:
        lines += [
            "# In CI, set fail_on_unchecked = true in each stage (`lockgate init --ci` writes it):",
            "# a run that could not check everything then fails instead of PASSED WITH UNCHECKED.",
        ]
    return [*lines, ""]


def _extends(pack: str | None) -> list[str]:
    if pack is None:
        return []
    return [
        f"# Settings of the {pack} pack come first; what this file sets overrides them, and",
        "# `lockgate config show` prints where each value comes from. Add your org's policy pack",
        '# after it (a path or "git+https://...@<commit>#pack.toml").',
        f"extends = [{_toml_string(pack)}]",
        "",
    ]


def _stage_blocks(
    stacks: tuple[str, ...],
    stages: Mapping[str, type[Stage]],
    ci: bool = False,
    pack: str | None = None,
) -> list[str]:
    blocks: dict[str, list[str]] = {}
    if "lint" in stages and pack is None:
        fail_on = next(o.default for o in stage_options(stages["lint"]) if o.name == "fail_on")
        blocks["lint"] = [
            "# Lowest severity of a new lint finding that fails the gate.",
            f"fail_on = {_toml_string(fail_on)}",
        ]
    if "test" in stages and not TESTABLE & set(stacks) and pack is None:
        blocks["test"] = [
            "# No test suite detected for this stack; set true once there is one.",
            "enabled = false",
        ]
    if ci:
        for name in stages:
            blocks.setdefault(name, []).append("fail_on_unchecked = true")
    lines: list[str] = []
    for name in stages:  # registry order, one table each
        if name in blocks:
            lines += [f"[stages.{name}]", *blocks[name], ""]
    return lines


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'

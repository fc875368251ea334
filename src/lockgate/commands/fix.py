"""`lockgate fix [PATH]`: apply the linters' safe automatic fixes and say what they changed."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lockgate.errors import LockgateError

SUMMARY = "apply the linters' safe automatic fixes and list what changed"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("fix", help=SUMMARY, description=SUMMARY + ".")
    p.add_argument(
        "path",
        nargs="?",
        default=".",
        help="project folder, or a file or folder inside it (default: .)",
    )
    p.add_argument(
        "--no-format",
        action="store_true",
        help="leave formatting alone (no ruff format, no prettier); other fixes still apply",
    )
    p.set_defaults(func=execute)


def _target(path: str) -> tuple[Path, list[str]]:
    """The folder the tools run in, and `paths` within it (empty: all of it)."""
    target = Path(path).resolve()
    if target.is_dir():
        return target, []
    if target.is_file():
        return target.parent, [target.name]
    raise LockgateError(
        f"'{path}' does not exist",
        where=path,
        hint="pass a project folder or a file in it, e.g. `lockgate fix .`",
    )


def execute(args: argparse.Namespace) -> int:
    from lockgate.lint import engine, fixer

    project, paths = _target(args.path)
    req = engine.Request(project, {"paths": paths, "format": not args.no_format}, 600)
    results = fixer.fix(req)
    if not results:
        print(f"nothing to fix: no file under {args.path} that a fixing linter claims")
        return 0
    total: set[str] = set()
    for result in results:
        if isinstance(result, fixer.NotFixed):
            print(f"{result.linter}: NOT FIXED ({result.files} file(s)): {result.reason}")
            print(f"  fix: {result.fix}")
            continue
        total.update(result.changed)
        print(f"{result.linter}: changed {len(result.changed)} of {result.checked} file(s)")
        for name in result.changed:
            print(f"  {name}")
    print(f"{len(total)} file(s) changed; review them with `git diff`")
    # 1: something is left unfixed (a tool is missing or failed), as a failed gate is
    return 1 if any(isinstance(r, fixer.NotFixed) for r in results) else 0

"""`lockgate ci github|gitlab|circleci [PATH]`: write the pipeline as the CI system's own file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

SUMMARY = "write the pipeline as GitHub Actions, GitLab CI or CircleCI configuration"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "ci",
        help=SUMMARY,
        description="Write the project's pipeline as the CI system's configuration: one job per "
        "enabled stage (stages that need nothing run in parallel, `needs` become job "
        "dependencies), lockgate's cache directory cached between runs, lockgate pinned, reports "
        "kept, and a production job behind the system's approval.",
    )
    p.add_argument("system", metavar="SYSTEM", help="github, gitlab or circleci")
    p.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    p.add_argument("--stdout", action="store_true", help="print the file instead of writing it")
    p.add_argument("--force", action="store_true", help="replace a CI file lockgate did not write")
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    from lockgate import ci

    system = ci.system_of(args.system)
    root = Path(args.path)
    if args.stdout:
        sys.stdout.write(ci.render(system, root))
        return 0
    written = ci.write(system, root, force=args.force)
    print(f"wrote {written} (validate it: check-jsonschema --builtin-schema {ci.SCHEMAS[system]})")
    return 0

"""`lockgate stages`: every stage, whether it can run here, and if not why and how to fix it."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("stages", help="list stages and whether they can run here")
    p.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    from lockgate.config.loader import load_config
    from lockgate.engine.context import stage_context
    from lockgate.engine.graph import derived_needs
    from lockgate.gitinfo import read_git
    from lockgate.reports.text import clean
    from lockgate.stages.registry import BUILTIN, all_stages

    stages = all_stages()
    root = Path(args.path).resolve()
    config = load_config(root, stages)
    git = read_git(root, config.project.base_branch)  # as `lockgate run` sees the checkout
    needs = derived_needs(stages)
    with tempfile.TemporaryDirectory(prefix="lockgate-stages-") as scratch:
        for name, cls in stages.items():
            settings = config.stages[name]
            ctx = stage_context(config, cls, artifacts=Path(scratch), run_id="stages", git=git)
            why = cls().available(ctx)
            state = "available" if why is None else "unavailable"
            if not settings.enabled:
                state += ", disabled in config"
            origin = "" if name in BUILTIN else ", plugin"
            after = f" (needs {', '.join(needs[name])})" if needs[name] else ""
            # `why` quotes config values and plugin text: escaped as `run` does, never raw
            print(clean(f"{name:<14} {cls.kind.value}{origin}, {state}{after}"))
            print(clean(f"    {cls.description}"))
            if why is not None:
                print(clean(f"    why: {why}"))
    return 0

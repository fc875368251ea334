"""`lockgate portability [PATH]`: how easily the service could move to another cloud (warn-only)."""

from __future__ import annotations

import argparse
import datetime
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

SUMMARY = "how portable the service is between clouds: container, config, state, Terraform, SDKs"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "portability",
        help=SUMMARY,
        description="Assess the service's portability: containerised or not, configuration read "
        "from the environment, state kept outside the container, cloud-specific Terraform "
        "resources and SDK imports, each with the common portable alternative, and a score. "
        "Warn-only: it exits 0 whatever it finds.",
    )
    p.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    p.add_argument("--json", action="store_true", help="print the assessment as JSON")
    p.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    from lockgate.config.loader import load_config
    from lockgate.portability import register
    from lockgate.portability.scan import assess

    root = Path(args.path)
    config = load_config(root)
    entries = config.sections.get("portability", {}).get("exception", ())
    exceptions = register.read(entries, config.where)
    excepted = frozenset(e.match for e in exceptions if not e.overdue(datetime.date.today()))
    overdue = register.overdue(exceptions, datetime.date.today())
    result = assess(root, config.project.name)
    if args.json:
        data = asdict(result)
        data.update(
            score=result.score(excepted),
            deductions=result.deductions(excepted),
            excepted=sorted(excepted),
            overdue_exceptions=overdue,
        )
        print(json.dumps(data, indent=2, default=str))
        return 0
    print("\n".join([*render(result, excepted), *(f"  finding: {o}" for o in overdue)]))
    return 0


def render(result: Any, excepted: frozenset[str] = frozenset()) -> list[str]:
    def mark(ok: bool) -> str:
        return "yes" if ok else "NO "

    lines = [
        f"{result.service}: portability score {result.score(excepted)}/100",
        f"  {mark(result.containerised)} containerised"
        + (f" ({', '.join(result.container_files)})" if result.containerised else ""),
        f"  {mark(bool(result.env_reads))} configuration read from the environment",
        f"  {mark(not result.local_state)} state kept outside the container"
        + (f" (local state at {', '.join(result.local_state[:3])})" if result.local_state else ""),
    ]
    for item in result.items:
        where = f"{item.path}:{item.line}" if item.line else item.path
        accepted = " (accepted in the exceptions register)" if item.name in excepted else ""
        lines.append(
            f"  {item.provider} {item.kind} {item.name} at {where}: portable alternative: "
            f"{item.alternative}{accepted}"
        )
    for gap in result.unchecked:
        lines.append(f"  not checked: {gap.what}: {gap.reason} (fix: {gap.fix})")
    lost = {k: v for k, v in result.deductions(excepted).items() if v}
    if lost:
        lines.append("  points lost: " + ", ".join(f"{k} -{v}" for k, v in lost.items()))
    return lines

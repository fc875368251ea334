"""`lockgate config show|check [PATH]`: the merged configuration and where each value came from."""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from lockgate.errors import ExitCode

SUMMARY = "show the merged configuration with the layer of each value; check the org policy"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "config",
        help=SUMMARY,
        description="The project's configuration after its `extends` packs and the org policy: "
        "`show` prints every value with the layer it came from (a pack, the project's file, the "
        "org policy, or default); `check` exits 1 when the project loosens the org policy.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (
        ("show", "print every value with its origin"),
        ("check", "report what loosens the org policy (exit 1 if anything does)"),
    ):
        a = actions.add_parser(name, help=text, description=text)
        a.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
        a.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    from lockgate.config.loader import load_config
    from lockgate.config.policy import describe

    config = load_config(Path(args.path))
    tried = {describe(f) for f in config.policy_findings}
    for warning in config.warnings:
        if args.action == "show" or warning not in tried:
            print(f"warning: {warning}", file=sys.stderr)
    if args.action == "show":
        for line in render(config):
            print(line)
        return ExitCode.OK
    for finding in config.policy_findings:
        print(describe(finding))
    if config.policy_findings:
        print(f"{len(config.policy_findings)} loosening(s) of the org policy", file=sys.stderr)
        return ExitCode.GATE_FAILED
    print("the configuration keeps to the org policy")
    return ExitCode.OK


def render(config: Any) -> list[str]:
    """`key = value  # origin` for every value of the effective configuration, in file order."""
    from lockgate.config.packs import origin_of

    rows = list(values(config))
    width = min(max((len(k) + len(v) + 3 for k, v in rows), default=0), 72)
    return [f"{f'{k} = {v}':<{width}}  # {origin_of(config.origins, k)}" for k, v in rows]


def values(config: Any) -> Iterator[tuple[str, str]]:
    """Every dotted key of the effective configuration with its value as TOML."""
    if "extends" in config.origins:
        yield "extends", "(see the layers named below)"
    project = config.project
    yield from _table(
        "project", {"name": project.name, "base_branch": project.base_branch, "id": project.id}
    )
    yield from _table("run", {"jobs": config.run.jobs, "timeout": config.run.timeout})
    for name, stage in config.stages.items():
        gate = stage.gate
        fixed = {
            "enabled": stage.enabled,
            "fail_on": gate.fail_on.value,
            "new_only": gate.new_only,
            "timeout": gate.timeout,
            "fail_on_unchecked": gate.fail_on_unchecked,
        }
        yield from _table(f"stages.{name}", {**fixed, **stage.options})
    for section, table in config.sections.items():
        yield from _table(section, table)
    for i, s in enumerate(config.suppressions):
        entry = {
            "reason": s.reason,
            "expires": s.expires,
            "stage": s.stage,
            "rule": s.rule,
            "path": s.path,
            "fingerprint": s.fingerprint,
        }
        yield (
            f"suppress.{i}",
            "{" + ", ".join(f"{k} = {toml(v)}" for k, v in entry.items() if v is not None) + "}",
        )


def _table(prefix: str, table: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in table.items():
        if (
            isinstance(value, Mapping)
            and value
            and all(isinstance(v, Mapping) for v in value.values())
        ) or (isinstance(value, Mapping) and prefix in ("environments",)):
            yield from _table(f"{prefix}.{key}", value)
        else:
            yield f"{prefix}.{key}", toml(value)


def toml(value: Any) -> str:
    """A value as TOML would write it (unset values as a comment-like `(unset)`)."""
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    return str(value)

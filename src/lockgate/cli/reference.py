"""The CLI reference in Markdown, generated from the argument parser itself (docs are code)."""

from __future__ import annotations

import argparse

from lockgate.cli.main import build_parser


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse offers no public walk over subparsers
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _help_of(parser: argparse.ArgumentParser, name: str) -> str:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.dest == name:
                    return choice.help or ""
    return ""


def _section(
    prefix: str, parser: argparse.ArgumentParser, parent: argparse.ArgumentParser
) -> list[str]:
    name = prefix.split()[-1]
    lines = [
        f"### `{prefix}`",
        "",
        _help_of(parent, name),
        "",
        "```",
        parser.format_usage().strip(),
        "```",
        "",
    ]
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        flag = ", ".join(action.option_strings) or action.dest.upper()
        rows.append(f"| `{flag}` | {(action.help or '').replace('|', '/')} |")
    if rows:
        lines += ["| argument | meaning |", "|---|---|", *rows, ""]
    for sub_name, sub in _subcommands(parser).items():
        lines += _section(f"{prefix} {sub_name}", sub, parser)
    return lines


def render_cli_reference() -> str:
    parser = build_parser()
    lines: list[str] = []
    for name, sub in _subcommands(parser).items():
        lines += _section(f"lockgate {name}", sub, parser)
    lines += [
        "Exit codes: `0` every gate passed, `1` a gate failed, `2` bad input or usage, "
        "`3` internal error (a bug), `130` interrupted.",
    ]
    return "\n".join(lines).strip() + "\n"

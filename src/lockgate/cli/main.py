"""Parse arguments and dispatch to commands/; the one top-level error handler lives here."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from importlib import import_module

from lockgate import __version__
from lockgate.errors import ExitCode, LockgateError
from lockgate.reports.text import clean

# One line per subcommand module under lockgate.commands; each has
# `add_parser(subparsers)` which registers its parser with `set_defaults(func=execute)`.
COMMANDS: tuple[str, ...] = (
    "run",
    "stages",
    "init",
    "history",
    "report",
    "baseline",
    "deploy",
    "rollback",
    "status",
    "env",
    "advisories",
    "hooks",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or (for speed) one that knows only the subcommand `only`."""
    parser = argparse.ArgumentParser(
        prog="lockgate",
        description="Quality gates between your code and production.",
    )
    parser.add_argument("--version", action="version", version=f"lockgate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (only,) if only in COMMANDS else COMMANDS:
        import_module(f"lockgate.commands.{name}").add_parser(sub)
    return parser


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    command = next((w for w in words if not w.startswith("-")), None)
    parser = build_parser(only=command)
    args = parser.parse_args(words)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return ExitCode.BAD_INPUT
    signal.signal(signal.SIGTERM, _terminate)  # a cancelled CI job stops like Ctrl-C
    try:
        return int(args.func(args))
    except LockgateError as exc:
        print(clean(exc.render()), file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    except Exception as exc:
        if os.environ.get("LOCKGATE_DEBUG"):
            raise
        print(
            clean(f"internal error: {type(exc).__name__}: {exc}")
            + "\n  this is a bug in lockgate; rerun with LOCKGATE_DEBUG=1 for the traceback and report it",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL

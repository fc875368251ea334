"""Parse arguments and dispatch to commands/; the one top-level error handler lives here.

Start-up is kept small: `lockgate --help` and `--version` import no command module, and a command
imports only its own module (which imports what it needs when it runs).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from importlib import import_module

from lockgate import __version__
from lockgate.errors import ExitCode, LockgateError

# One line per subcommand: its name and the summary `lockgate --help` shows. Each module
# lockgate.commands.<name> (`import_` for `import`) has `add_parser(subparsers)`, which registers
# its parser (with this same summary; a test compares them) and `set_defaults(func=execute)`.
COMMANDS: dict[str, str] = {
    "run": "run the pipeline's gates for a project",
    "stages": "list stages and whether they can run here",
    "init": "write a commented lockgate.toml for the project's stack",
    "history": "past runs of a project",
    "report": "print a stored run as html, sarif, junit, json or md",
    "baseline": "manage the committed baseline of known findings",
    "deploy": "build and deploy the service to an environment",
    "rollback": "put the previous good version back in an environment",
    "status": "what runs in each environment, which version, since when",
    "env": "list environments, prune review environments",
    "advisories": "manage the local advisory database (OSV records)",
    "hooks": "git hooks that stop a commit or push adding a secret",
    "metrics": "DORA's four keys from production deployments, commits and incidents",
    "incident": "record incidents (open, resolve, list)",
    "import": "import delivery history: git tags, deployments, incidents",
    "serve": "the delivery dashboard: pages, JSON API and Prometheus /metrics",
    "sync": "send the runs and deployments kept in the outbox to the team server",
    "fix": "apply the linters' safe automatic fixes and list what changed",
    "config": "show the merged configuration with the layer of each value; check the org policy",
    "ci": "write the pipeline as GitHub Actions, GitLab CI or CircleCI configuration",
    "portability": "how portable the service is between clouds: container, config, state, Terraform, SDKs",
}


def module_of(command: str) -> str:
    """The module under lockgate.commands that implements `command`."""
    return (
        f"lockgate.commands.{command}_" if command == "import" else f"lockgate.commands.{command}"
    )


def build_parser(
    only: str | None = None, *, summaries_only: bool = False
) -> argparse.ArgumentParser:
    """The full parser; one that knows only the subcommand `only`; or (`summaries_only`) one that
    lists every subcommand by its summary without importing any command module."""
    parser = argparse.ArgumentParser(
        prog="lockgate",
        description="Quality gates between your code and production.",
    )
    parser.add_argument("--version", action="version", version=f"lockgate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, summary in COMMANDS.items():
        if summaries_only:
            sub.add_parser(name, help=summary, add_help=False)
        elif only is None or name == only:
            import_module(module_of(name)).add_parser(sub)
    return parser


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _clean(text: str) -> str:
    from lockgate.reports.text import clean  # only on the way out: it loads every report format

    return clean(text)


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    command = next((w for w in words if not w.startswith("-")), None)
    known = command in COMMANDS
    parser = build_parser(only=command if known else None, summaries_only=not known)
    args = parser.parse_args(words)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return ExitCode.BAD_INPUT
    # A cancelled CI job (SIGTERM) or a closed terminal or SSH session (SIGHUP) stops like Ctrl-C:
    # children stopped, the run recorded as interrupted, exit 130. `nohup` (SIGHUP ignored) wins.
    signal.signal(signal.SIGTERM, _terminate)
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        signal.signal(signal.SIGHUP, _terminate)
    try:
        return int(args.func(args))
    except LockgateError as exc:
        print(_clean(exc.render()), file=sys.stderr)
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
            _clean(f"internal error: {type(exc).__name__}: {exc}")
            + "\n  this is a bug in lockgate; rerun with LOCKGATE_DEBUG=1 for the traceback and report it",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL

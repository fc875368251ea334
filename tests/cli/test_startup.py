"""A CLI that starts fast: `--help` and `--version` load no command, no store, no report format."""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys

import pytest

from lockgate.cli.main import COMMANDS, build_parser

MODULE_BUDGET = 80

PROBE = """
import sys
from lockgate.cli.main import main
try:
    main([sys.argv[1]])
except SystemExit as exc:
    code = exc.code
print(repr({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_load_little(flag: str) -> None:
    # a fresh interpreter: this test process has imported everything already
    done = subprocess.run(
        [sys.executable, "-c", PROBE, flag], capture_output=True, text=True, check=True
    )
    probe = ast.literal_eval(done.stderr.strip().splitlines()[-1])
    modules: list[str] = probe["modules"]
    assert probe["code"] == 0
    assert not [m for m in modules if m.split(".")[0] in ("sqlalchemy", "alembic", "yaml")]
    assert not [m for m in modules if m.startswith(("lockgate.commands", "lockgate.reports"))]
    assert len(modules) < MODULE_BUDGET, f"{len(modules)} modules: {modules}"
    assert ("run" in done.stdout) if flag == "--help" else done.stdout.startswith("lockgate ")


def _subcommand_helps(parser: argparse.ArgumentParser) -> dict[str, str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {c.dest: c.help or "" for c in action._choices_actions}
    return {}


def test_the_summaries_are_the_commands_own() -> None:
    assert _subcommand_helps(build_parser()) == COMMANDS
    assert _subcommand_helps(build_parser(summaries_only=True)) == COMMANDS


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_parses_on_its_own(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        build_parser(only=name).parse_args([name, "--help"])
    assert stop.value.code == 0
    assert f"usage: lockgate {name}" in capsys.readouterr().out


def test_loading_every_stage_imports_no_store() -> None:
    # the git hooks load lockgate.toml, which loads every stage class: the deploy machinery and the
    # store's SQLAlchemy must wait until a stage actually runs
    probe = (
        "import sys\n"
        "from lockgate.stages.registry import all_stages\n"
        "all_stages()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _imported_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(repr(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return list(ast.literal_eval(done.stdout.strip().splitlines()[-1]))


def test_loading_every_stage_leaves_the_heavy_engines_for_run() -> None:
    # every git hook loads lockgate.toml and so every stage class: the dependency parsers (YAML,
    # TOML readers, HTTP client), the naming readers and the report writers wait until a run
    modules = _imported_after("from lockgate.stages.registry import all_stages\nall_stages()")
    heavy = ("lockgate.deps.parsers", "lockgate.deps.sources.osv_api", "lockgate.naming.readers")
    assert not [m for m in modules if m.startswith(heavy)]
    assert not [m for m in modules if m.startswith("lockgate.reports")]


def test_the_pre_commit_hook_can_start_gitleaks_before_loading_the_config() -> None:
    # `hooks run pre-commit` starts gitleaks, then loads the config and lockgate's rules while it
    # runs; so the command's module and the gitleaks engine import neither
    modules = _imported_after("import lockgate.commands.hooks, lockgate.secrets.engines.gitleaks")
    later = ("lockgate.config", "lockgate.stages", "lockgate.secrets.rules", "lockgate.engine")
    assert not [m for m in modules if m.startswith(later)]

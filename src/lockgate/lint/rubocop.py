"""rubocop on Ruby files when it is installed (lockgate does not pin Ruby); read from its JSON.

The project's `.rubocop.yml` is read by rubocop itself. Severity is rubocop's own (fatal → high,
error → medium, warning/convention/refactor → low). Without rubocop, Ruby files are unchecked.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lockgate.lint import common
from lockgate.lint.interface import Linter, LintOutputError, Raw
from lockgate.tools import proc

HINT = "install rubocop (Debian: `apt-get install rubocop`, or `gem install rubocop`), or set $LOCKGATE_RUBOCOP_BIN"
DOCS = "https://docs.rubocop.org/rubocop/cops_{dept}.html#{anchor}"


def help_uri(cop: str) -> str | None:
    if "/" not in cop:
        return None
    dept, _, name = cop.partition("/")
    return DOCS.format(dept=dept.lower(), anchor=(dept + name).lower())


def _argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "--format", "json", "--force-exclusion", "--", *files]


def _fix_argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "--autocorrect", "--format", "quiet", "--force-exclusion", "--", *files]


def parse(done: proc.Completed) -> list[Raw]:
    files = common.as_dict(common.load_json(done, "{}")).get("files", [])
    if not isinstance(files, list):
        raise LintOutputError(f"expected a JSON object with `files` from {done.describe()}")
    return [
        _raw(str(common.as_dict(f).get("path") or ""), common.as_dict(o))
        for f in files
        for o in common.as_dict(f).get("offenses", []) or []
    ]


def _raw(path: str, item: dict[str, Any]) -> Raw:
    cop = str(item.get("cop_name") or "unknown")
    loc = common.as_dict(item.get("location"))
    return Raw(
        rule=cop,
        path=path,
        line=common.as_int(loc.get("start_line")),
        col=common.as_int(loc.get("start_column")),
        end_line=common.as_int(loc.get("last_line")),
        end_col=common.as_int(loc.get("last_column")),
        message=str(item.get("message") or ""),
        url=help_uri(cop),
        fix="rubocop can correct it: `lockgate fix`" if item.get("correctable") else None,
        severity=common.level(item.get("severity")),
    )


RUBOCOP = Linter(
    name="rubocop",
    language="Ruby",
    tool="rubocop",
    install_hint=HINT,
    patterns=("*.rb", "*.rake", "*.gemspec", "Gemfile", "Rakefile"),
    config_files=(".rubocop.yml",),
    argv=_argv,
    parse=parse,
    severity=common.low,
    text_only=True,
    fix_argv=_fix_argv,
)

"""pymarkdown (PyPI `pymarkdownlnt`) on Markdown files, read from its `file:line:col: rule: text` lines.

The project's `.pymarkdown` / `.pymarkdown.json` / `.pymarkdown.yaml` or `[tool.pymarkdown]` in
pyproject.toml is read by pymarkdown itself; without one lockgate turns off MD013 (line length,
80 by default: prose wraps wherever the author likes). Every problem is low severity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from lockgate.lint import common
from lockgate.lint.interface import Linter, Raw
from lockgate.tools import proc

HINT = (
    "install pymarkdownlnt 0.9.41: `scripts/bootstrap` puts it in .venv-tools/pymarkdown "
    "(pinned in requirements/tool-pymarkdown.txt: `pip install pymarkdownlnt==0.9.41`)"
)
CONFIGS = (".pymarkdown", ".pymarkdown.json", ".pymarkdown.yaml", ".pymarkdown.yml")
_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rule>[A-Za-z]+\d+): (?P<msg>.*)$"
)
_ALIASES = re.compile(r" \([\w,-]+\)$")


def _own_config(project: Path) -> bool:
    if common.has_config(project, CONFIGS):
        return True
    try:
        return "[tool.pymarkdown" in (project / "pyproject.toml").read_text(errors="replace")
    except OSError:
        return False


def _defaults(project: Path) -> list[str]:
    # explicit: 0 clean, 4 problems found, 3 fixed; anything else (5: a file or the config failed)
    # is an error
    scheme = ["--return-code-scheme", "explicit"]
    return scheme if _own_config(project) else [*scheme, "-d", "md013"]


def _argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, *_defaults(project), "scan", "--", *files]


def _fix_argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, *_defaults(project), "fix", "--", *files]


def parse(done: proc.Completed) -> list[Raw]:
    raws: list[Raw] = []
    for match in common.matched_lines(done, _LINE):
        rule = match["rule"].upper()
        raws.append(
            Raw(
                rule=rule,
                path=match["path"],
                line=int(match["line"]),
                col=int(match["col"]),
                message=_ALIASES.sub("", match["msg"]),
                url=f"https://pymarkdown.readthedocs.io/en/latest/plugins/rule_{rule.lower()}/",
            )
        )
    return raws


PYMARKDOWN = Linter(
    name="pymarkdown",
    language="Markdown",
    tool="pymarkdown",
    install_hint=HINT,
    patterns=("*.md", "*.markdown"),
    config_files=(*CONFIGS, "pyproject.toml"),
    argv=_argv,
    parse=parse,
    severity=common.low,
    ok_codes=(0, 3, 4),  # 3: `fix` changed files
    version_argv=("version",),
    text_only=True,
    fix_argv=_fix_argv,
)

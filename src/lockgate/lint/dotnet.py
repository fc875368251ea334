"""`dotnet format --verify-no-changes` on .NET projects when the SDK is installed.

It runs once per project or solution file the project contains (`*.sln`, else `*.csproj`/
`*.fsproj`/`*.vbproj`) and reads the `file(line,col): severity CODE: message [project]` lines it
prints. The project's `.editorconfig` is read by dotnet itself. Without the SDK the projects are
unchecked, with the install hint — never passed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from lockgate.lint import common
from lockgate.lint.interface import Linter, Raw
from lockgate.tools import proc

HINT = (
    "install the .NET SDK 8 or later (https://learn.microsoft.com/dotnet/core/install/linux-debian), "
    "or set $LOCKGATE_DOTNET_BIN"
)
_LINE = re.compile(
    r"^(?P<path>.+?)\((?P<line>\d+),(?P<col>\d+)\): (?P<level>\w+) (?P<rule>\w+): (?P<msg>.*?)(?: \[[^\]]*\])?$"
)


def help_uri(rule: str) -> str:
    if rule.startswith("IDE") or rule.startswith("CA"):
        return f"https://learn.microsoft.com/dotnet/fundamentals/code-analysis/style-rules/{rule.lower()}"
    return "https://learn.microsoft.com/dotnet/core/tools/dotnet-format"


def _argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "format", files[0], "--verify-no-changes", "--verbosity", "quiet"]


def _fix_argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "format", files[0], "--verbosity", "quiet"]


def parse(done: proc.Completed) -> list[Raw]:
    raws = []
    for text in (done.stdout + "\n" + done.stderr).splitlines():
        match = _LINE.match(text.strip())
        if match:
            raws.append(
                Raw(
                    rule=match["rule"],
                    path=match["path"],
                    line=int(match["line"]),
                    col=int(match["col"]),
                    message=match["msg"],
                    url=help_uri(match["rule"]),
                    severity=common.level(match["level"]),
                )
            )
    return raws


DOTNET = Linter(
    name="dotnet-format",
    language=".NET",
    tool="dotnet",
    install_hint=HINT,
    patterns=("*.sln", "*.csproj", "*.fsproj", "*.vbproj"),
    config_files=(".editorconfig", "Directory.Build.props", "global.json"),
    argv=_argv,
    parse=parse,
    severity=common.low,
    ok_codes=(0, 2),  # 2: formatting changes are needed
    chunk=1,
    fix_argv=_fix_argv,
)

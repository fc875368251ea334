"""The one user-facing error type; the CLI's top-level handler turns it into a message and an exit code."""

from __future__ import annotations

import enum
from collections.abc import Iterable


class ExitCode(int, enum.Enum):
    OK = 0
    GATE_FAILED = 1
    BAD_INPUT = 2
    INTERNAL = 3
    INTERRUPTED = 130


class LockgateError(Exception):
    """Bad input, a missing tool, an unusable file: something the user can fix.

    `where` names the file (and line) at fault, `hint` says what to do next.
    """

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        hint: str | None = None,
        exit_code: ExitCode = ExitCode.BAD_INPUT,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint
        self.exit_code = exit_code

    def render(self) -> str:
        head = f"{self.where}: {self.message}" if self.where else self.message
        return f"error: {head}" + (f"\n  fix: {self.hint}" if self.hint else "")


class ToolMissing(LockgateError):
    """A tool a stage needs is not installed."""

    def __init__(self, tool: str, install_hint: str) -> None:
        super().__init__(
            f"{tool} is not installed", hint=install_hint, exit_code=ExitCode.BAD_INPUT
        )
        self.tool = tool


def summarize_warnings(warnings: Iterable[str], limit: int = 20) -> list[str]:
    """Warnings for the terminal: each distinct one once, in order, at most `limit` of them,
    then one line saying how many more there are (a fuzzed config can produce 20,000)."""
    unique = list(dict.fromkeys(warnings))
    if len(unique) <= limit:
        return unique
    more = len(unique) - limit
    return [*unique[:limit], f"… and {more} more warning{'s' if more != 1 else ''} like these"]

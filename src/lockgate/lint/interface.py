"""What a linter is: the files it claims, how it runs, how its output becomes findings.

A new linter is one module defining a `Linter` value plus one line in `lint/registry.py`; the lint
stage finds its files, runs it in chunks, and turns its `Raw` problems into findings (location,
severity, fingerprint, help) the same way for every linter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lockgate.config.options import Option
from lockgate.model import Severity
from lockgate.tools import proc


@dataclass(frozen=True)
class Raw:
    """One problem as a linter reported it, before it becomes a Finding."""

    rule: str
    path: str  # as the linter printed it: absolute, or relative to the project
    line: int | None = None
    col: int | None = None
    end_line: int | None = None
    end_col: int | None = None
    message: str = ""
    url: str | None = None
    fix: str | None = None  # what the tool's own fix would do
    severity: Severity | None = None  # from the tool's own level; None: the linter's rule table


class LintOutputError(Exception):
    """A linter's output could not be read, or the linter failed; the message says what came back."""


def always(options: Mapping[str, Any]) -> bool:
    return True


def ready() -> str | None:
    return None


@dataclass(frozen=True)
class Linter:
    """One linter. `argv` gets (tool path, project, files relative to it) and returns the command."""

    name: str  # Finding.tool, e.g. "ruff"
    language: str  # for "no Python files" summaries
    tool: str  # executable looked up with proc.require
    install_hint: str
    patterns: tuple[str, ...]  # the files it claims (fsutil.matching globs)
    config_files: tuple[str, ...]  # basenames of config files that change its result
    argv: Callable[[str, Path, Sequence[str]], list[str]]
    parse: Callable[[proc.Completed], list[Raw]]  # raises LintOutputError on unreadable output
    severity: Callable[[str], Severity]  # of a rule id
    options: tuple[Option, ...] = ()  # keys it adds to [stages.lint] (documented from here)
    enabled: Callable[[Mapping[str, Any]], bool] = always  # given the [stages.lint] values
    ok_codes: tuple[int, ...] = (0, 1)  # exit codes that mean "ran" (findings or none)
    version_argv: tuple[str, ...] = ("--version",)
    # why it cannot run although its tool is there (a missing Python module), or None
    probe: Callable[[], str | None] = ready
    # extra files it claims that no pattern names, by (file, a reader of its first line)
    sniff: Callable[[str, Callable[[], str]], bool] | None = None
    # files it claims but cannot check, with why (Helm templates are not YAML): listed as unchecked
    cannot: Callable[[Path, str], str | None] | None = None
    # the engine reads each file first: one that is not UTF-8 text is a finding, not a tool crash
    text_only: bool = False
    label: str | None = None  # its name in the run's tool versions (default: `tool`)
    chunk: int = 500  # files per call, well under any argv limit (1: one per .NET project)
    # at least this many files per call when its files are shared among the workers; 0: never
    # shared (its start-up costs more than a second process saves: eslint, Python-based tools)
    split: int = 0
    # runs only where its tool is installed: another linter checks the same files already (tflint
    # beside lockgate's Terraform check); when missing, the summary says its rules were not run
    optional: bool = False
    # the command that applies the tool's safe automatic fixes (`lockgate fix`), if it has one
    fix_argv: Callable[[str, Path, Sequence[str]], list[str]] | None = None

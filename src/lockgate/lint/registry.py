"""Every linter the lint stage runs, one line each (a linter is one module: see interface.py)."""

from __future__ import annotations

from lockgate.lint import ruff
from lockgate.lint.interface import Linter

LINTERS: tuple[Linter, ...] = (
    ruff.CHECK,
    ruff.FORMAT,
)

"""Every linter the lint stage runs, one line each (a linter is one module: see interface.py)."""

from __future__ import annotations

from lockgate.lint import (
    dotnet,
    eslint,
    hadolint,
    pymarkdown,
    rubocop,
    ruff,
    shellcheck,
    terraform,
    tflint,
    yamllint,
)
from lockgate.lint.interface import Linter

# Slowest to start first (they run side by side); a fixer before the formatter that follows it.
LINTERS: tuple[Linter, ...] = (
    eslint.ESLINT,
    eslint.PRETTIER,
    ruff.CHECK,
    ruff.FORMAT,
    hadolint.HADOLINT,
    shellcheck.SHELLCHECK,
    yamllint.YAMLLINT,
    pymarkdown.PYMARKDOWN,
    terraform.TERRAFORM,
    tflint.TFLINT,
    dotnet.DOTNET,
    rubocop.RUBOCOP,
)

"""JavaScript and TypeScript: eslint (rules) and prettier (formatting), pinned by
requirements/lint-js/package-lock.json and installed by scripts/bootstrap into .venv-tools/lint-js.

eslint uses the project's own `eslint.config.*` when it has one, else lockgate's default (ESLint's
and typescript-eslint's recommended rules) installed beside the packages. Severity: a file that does
not parse → high, an eslint error → medium, a warning → low; unformatted files are low. prettier
reads the project's `.prettierrc*` / `prettier.config.*` / `.prettierignore` itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lockgate.lint import common
from lockgate.lint.interface import Linter, LintOutputError, Raw
from lockgate.model import Severity
from lockgate.tools import proc

HINT = (
    "install eslint 10.15.0 and prettier 3.10.1: `scripts/bootstrap` puts them in .venv-tools/lint-js "
    "(pinned by requirements/lint-js/package-lock.json; needs Node 20.19 or later and npm)"
)
SOURCES = ("*.js", "*.jsx", "*.mjs", "*.cjs", "*.ts", "*.tsx", "*.mts", "*.cts")
CONFIGS = tuple(f"eslint.config.{ext}" for ext in ("js", "mjs", "cjs", "ts", "mts", "cts"))
PRETTIER_CONFIGS = (
    ".prettierrc",
    ".prettierrc.json",
    ".prettierrc.yaml",
    ".prettierrc.yml",
    ".prettierrc.js",
    ".prettierrc.mjs",
    ".prettierrc.cjs",
    ".prettierrc.toml",
    "prettier.config.js",
    "prettier.config.mjs",
    "prettier.config.cjs",
    ".prettierignore",
    "package.json",
)
_SYNTAX_ERROR = re.compile(r"^\[error\] .+?: SyntaxError: ")


def default_config(tool: str) -> Path:
    """lockgate's eslint.config.mjs, beside the packages (tool is .venv-tools/lint-js/bin/eslint)."""
    return Path(tool).parent.parent / "eslint.config.mjs"


def _config(tool: str, project: Path) -> list[str]:
    own = common.has_config(project, CONFIGS)
    return [] if own else ["--config", str(default_config(tool))]


def _eslint_argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    options = ["--format", "json-with-metadata", "--no-warn-ignored"]
    return [tool, *_config(tool, project), *options, "--", *files]


def _eslint_fix_argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    options = ["--fix", "--format", "json", "--no-warn-ignored"]
    return [tool, *_config(tool, project), *options, "--", *files]


def parse_eslint(done: proc.Completed) -> list[Raw]:
    data = common.as_dict(common.load_json(done, "{}"))
    results = data.get("results", [])
    if not isinstance(results, list):
        raise LintOutputError(f"expected eslint's JSON with `results` from {done.describe()}")
    rules = common.as_dict(common.as_dict(data.get("metadata")).get("rulesMeta"))
    return [
        _eslint_raw(str(common.as_dict(r).get("filePath") or ""), common.as_dict(m), rules)
        for r in results
        for m in common.as_dict(r).get("messages", []) or []
    ]


def _eslint_raw(path: str, item: dict[str, Any], rules: dict[str, Any]) -> Raw:
    rule = common.as_str(item.get("ruleId"))
    docs = common.as_dict(common.as_dict(rules.get(rule or "")).get("docs"))
    fatal = bool(item.get("fatal"))
    return Raw(
        rule=rule or ("syntax" if fatal else "eslint"),
        path=path,
        line=common.as_int(item.get("line")),
        col=common.as_int(item.get("column")),
        end_line=common.as_int(item.get("endLine")),
        end_col=common.as_int(item.get("endColumn")),
        message=str(item.get("message") or ""),
        url=common.as_str(docs.get("url")) or "https://eslint.org/docs/latest/rules/",
        fix="eslint can fix it: `lockgate fix`" if item.get("fix") else None,
        severity=Severity.HIGH
        if fatal
        else (Severity.MEDIUM if item.get("severity") == 2 else Severity.LOW),
    )


def _prettier_argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "--list-different", "--no-color", "--", *files]


def _prettier_fix_argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "--write", "--log-level", "warn", "--", *files]


def parse_prettier(done: proc.Completed) -> list[Raw]:
    """Unformatted files; syntax errors are eslint's findings already, any other error fails."""
    errors = [
        line
        for line in done.stderr.splitlines()
        if line.startswith("[error] ") and not line.startswith("[error]  ")
    ]
    other = [e for e in errors if not _SYNTAX_ERROR.match(e) and e[8:9] not in (" ", ">", "|")]
    if done.returncode == 2 and (other or not errors):
        raise LintOutputError(done.describe())
    return [
        Raw(
            rule="prettier",
            path=name.strip(),
            line=1,
            message="File would be reformatted by prettier: run `lockgate fix`",
            url="https://prettier.io/docs/cli#--check",
        )
        for name in done.stdout.splitlines()
        if name.strip()
    ]


ESLINT = Linter(
    name="eslint",
    language="JavaScript/TypeScript",
    tool="eslint",
    install_hint=HINT,
    patterns=SOURCES,
    config_files=(*CONFIGS, "package.json", "tsconfig.json"),
    argv=_eslint_argv,
    parse=parse_eslint,
    severity=common.low,
    text_only=True,
    fix_argv=_eslint_fix_argv,
)

PRETTIER = Linter(
    name="prettier",
    language="JavaScript/TypeScript",
    tool="prettier",
    install_hint=HINT,
    patterns=SOURCES,
    config_files=PRETTIER_CONFIGS,
    argv=_prettier_argv,
    parse=parse_prettier,
    severity=common.low,
    options=(),
    enabled=lambda options: bool(options["format"]),
    ok_codes=(0, 1, 2),  # 2: a file does not parse (eslint reports it)
    text_only=True,
    split=50,
    fix_argv=_prettier_fix_argv,
)

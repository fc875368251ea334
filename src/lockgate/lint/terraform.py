"""Terraform: a parser-level check (python-hcl2) and the layout `terraform fmt` keeps, run by
lockgate's own interpreter as `python -m lockgate.lint.tfcheck` (see that module for the rules).

A file that does not parse is high severity; layout is low. `lockgate fix` rewrites the layout.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

from lockgate.lint import common
from lockgate.lint.interface import Linter, Raw
from lockgate.model import Severity
from lockgate.tools import proc

HINT = (
    "install python-hcl2 8.1.4 into lockgate's environment: "
    "`.venv/bin/pip install python-hcl2==8.1.4` (pinned in requirements/dev.txt)"
)
STYLE = "https://developer.hashicorp.com/terraform/language/style"
SYNTAX = "https://developer.hashicorp.com/terraform/language/syntax/configuration"
PYTHON = Path(sys.executable).name  # lockgate's own interpreter, found first in its venv's bin


def probe() -> str | None:
    if importlib.util.find_spec("hcl2") is None:
        return "python-hcl2 (the HCL parser) is not installed"
    return None


def severity(rule: str) -> Severity:
    return Severity.HIGH if rule == "hcl-syntax" else Severity.LOW


def _argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "-m", "lockgate.lint.tfcheck", "--", *files]


def _fix_argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "-m", "lockgate.lint.tfcheck", "--fix", "--", *files]


def parse(done: proc.Completed) -> list[Raw]:
    return [_raw(item) for item in common.json_items(done, "problems")]


def _raw(item: dict[str, object]) -> Raw:
    rule = str(item.get("rule") or "unknown")
    return Raw(
        rule=rule,
        path=common.as_str(item.get("path")) or "",
        line=common.as_int(item.get("line")),
        col=common.as_int(item.get("col")),
        message=str(item.get("message") or ""),
        url=SYNTAX if rule == "hcl-syntax" else STYLE,
        fix="`lockgate fix` rewrites the layout" if rule == "terraform-fmt" else None,
    )


TERRAFORM = Linter(
    name="terraform",
    language="Terraform",
    tool=PYTHON,
    install_hint=HINT,
    patterns=("*.tf", "*.tfvars"),
    config_files=(),
    argv=_argv,
    parse=parse,
    severity=severity,
    version_argv=("-c", "import importlib.metadata as m; print(m.version('python-hcl2'))"),
    probe=probe,
    label="python-hcl2",
    text_only=True,
    fix_argv=_fix_argv,
)

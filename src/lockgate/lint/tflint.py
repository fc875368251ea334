"""tflint on Terraform, when it is installed (it cannot be pinned from PyPI or npm): one
`tflint --recursive --format json` over the project, with the project's `.tflint.hcl`.

Optional: without tflint the Terraform files are still parsed and layout-checked (`terraform.py`),
and the stage summary says tflint's rules were not run. Severity: tflint's error → medium,
warning → low, notice → info; an error tflint reports for a file (it cannot load it) → high.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lockgate.lint import common
from lockgate.lint.interface import Linter, LintOutputError, Raw
from lockgate.model import Severity
from lockgate.tools import proc

HINT = "install tflint (https://github.com/terraform-linters/tflint#installation) or set $LOCKGATE_TFLINT_BIN"
_LEVELS = {"error": Severity.MEDIUM, "warning": Severity.LOW, "notice": Severity.INFO}


def _argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    return [tool, "--recursive", "--format", "json", "--no-color"]  # the whole project, once


def parse(done: proc.Completed) -> list[Raw]:
    data = common.as_dict(common.load_json(done, "{}"))
    issues, errors = data.get("issues", []), data.get("errors", [])
    if not isinstance(issues, list) or not isinstance(errors, list):
        raise LintOutputError(f"expected tflint's JSON with `issues` from {done.describe()}")
    raws = [_issue(common.as_dict(i)) for i in issues]
    raws += [_error(common.as_dict(e)) for e in errors if common.as_dict(e).get("range")]
    if done.returncode == 1 and not raws:
        raise LintOutputError(done.describe())
    return raws


def _where(item: dict[str, Any]) -> dict[str, Any]:
    rng = common.as_dict(item.get("range"))
    start, end = common.as_dict(rng.get("start")), common.as_dict(rng.get("end"))
    return {
        "path": common.as_str(rng.get("filename")) or "",
        "line": common.as_int(start.get("line")),
        "col": common.as_int(start.get("column")),
        "end_line": common.as_int(end.get("line")),
        "end_col": common.as_int(end.get("column")),
    }


def _issue(item: dict[str, Any]) -> Raw:
    rule = common.as_dict(item.get("rule"))
    return Raw(
        rule=common.as_str(rule.get("name")) or "tflint",
        message=str(item.get("message") or ""),
        url=common.as_str(rule.get("link")) or "https://github.com/terraform-linters/tflint",
        severity=_LEVELS.get(str(rule.get("severity")).lower(), Severity.LOW),
        **_where(item),
    )


def _error(item: dict[str, Any]) -> Raw:
    return Raw(
        rule="tflint-error",
        message=str(item.get("message") or item.get("summary") or ""),
        url="https://github.com/terraform-linters/tflint",
        severity=Severity.HIGH,
        **_where(item),
    )


TFLINT = Linter(
    name="tflint",
    language="Terraform",
    tool="tflint",
    install_hint=HINT,
    patterns=("*.tf",),
    config_files=(".tflint.hcl",),
    argv=_argv,
    parse=parse,
    severity=common.low,
    ok_codes=(0, 1, 2, 3),  # 2: issues found; 1 and 3: errors (read from the JSON)
    chunk=10**9,  # one run covers the project
    optional=True,
)

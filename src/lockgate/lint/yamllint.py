"""yamllint on YAML files, read from its `parsable` output.

The project's `.yamllint` (or `.yamllint.yaml`/`.yml`) wins; without one lockgate passes its own
pinned default (yamllint's `default` rules without the ones that flag valid, common YAML: no
required `---`, no line length (long commands and rule texts are normal in YAML), `on:` keys allowed, sequences indented or
not but consistently). Severity: yamllint's error → medium, warning → low.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from lockgate.lint import common
from lockgate.lint.interface import Linter, LintOutputError, Raw
from lockgate.model import Severity
from lockgate.tools import proc

HINT = (
    "install yamllint 1.38.0: `scripts/bootstrap` puts it in .venv-tools/yamllint "
    "(pinned in requirements/tool-yamllint.txt: `pip install yamllint==1.38.0`)"
)
CONFIGS = (".yamllint", ".yamllint.yaml", ".yamllint.yml")
DEFAULT = (
    "{extends: default, rules: {document-start: disable,"
    " line-length: disable, truthy: {check-keys: false},"
    " comments: {min-spaces-from-content: 1}, indentation: {indent-sequences: consistent}}}"
)
_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): \[(?P<level>\w+)\] (?P<msg>.*?)(?: \((?P<rule>[\w-]+)\))?$"
)
_RULES = "https://yamllint.readthedocs.io/en/stable/rules.html"
_DOCS = _RULES + "#module-yamllint.rules."


def helm_template(project: Path, name: str) -> str | None:
    """A file under a Helm chart's templates/ is Go template text, not YAML: yamllint would
    report its `{{ }}` as syntax errors."""
    parts = name.split("/")
    for i, part in enumerate(parts[:-1]):
        if part == "templates" and (project.joinpath(*parts[:i], "Chart.yaml")).is_file():
            return "Helm chart template (Go template text, not YAML): check it with `helm lint`"
    return None


def _argv(tool: str, project: Path, files: Sequence[str]) -> list[str]:
    config = [] if common.has_config(project, CONFIGS) else ["-d", DEFAULT]
    return [tool, "-f", "parsable", *config, "--", *files]


def parse(done: proc.Completed) -> list[Raw]:
    raws: list[Raw] = []
    for match in common.matched_lines(done, _LINE):
        rule = match["rule"] or "syntax"
        raws.append(
            Raw(
                rule=rule,
                path=match["path"],
                line=int(match["line"]),
                col=int(match["col"]),
                message=match["msg"],
                url=_DOCS + rule.replace("-", "_") if rule != "syntax" else _RULES,
                severity=Severity.HIGH if rule == "syntax" else common.level(match["level"]),
            )
        )
    if done.returncode not in (0, 1, 2) or (done.returncode and not raws):
        raise LintOutputError(done.describe())
    return raws


YAMLLINT = Linter(
    name="yamllint",
    language="YAML",
    tool="yamllint",
    install_hint=HINT,
    patterns=("*.yaml", "*.yml"),
    config_files=CONFIGS,
    argv=_argv,
    parse=parse,
    severity=common.low,
    ok_codes=(0, 1, 2),
    text_only=True,
    cannot=helm_template,
)

"""The fixture apps under tests/fixtures/sast/apps: what each vulnerable route must be flagged for.

Each app has a `vulnerable/` and a `fixed/` tree. In `vulnerable/`, a comment `vuln: CLASS` (in any
comment syntax: `#`, `//`, `{# #}`, `<%# %>`, `{{!-- --}}`) names the weakness of the line below it.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from lockgate.model import Finding
from lockgate.sast import semgrep
from lockgate.sast.merge import weakness
from tests.testing.harness import FIXTURES

APPS = FIXTURES / "sast" / "apps"
FRAMEWORKS = ("flask", "django", "express")
# weakness class → the CWE a finding for it carries
CLASSES = {
    "sqli": "CWE-89",
    "cmdi": "CWE-78",
    "xss": "CWE-79",
    "ssrf": "CWE-918",
    "path": "CWE-22",
    "redirect": "CWE-601",
    "ssti": "CWE-1336",
    "deser": "CWE-502",
    "eval": "CWE-95",
    "jwt": "CWE-347",
}
REQUIRED = ("sqli", "cmdi", "xss", "ssrf", "path", "redirect", "ssti", "deser", "eval")
# The rules whose should-flag samples are these apps' vulnerable routes and whose should-not-flag
# samples are the fixed apps (the other rules keep `ruleid:`/`ok:` samples in ../mixed).
APP_RULES = tuple(
    rule["id"]
    for path in sorted(semgrep.RULES_DIR.glob("*.yml"))
    for rule in yaml.safe_load(path.read_text())["rules"]
    if ".taint." in rule["id"]
    or rule["id"].startswith("lockgate.template.")
    or rule["id"].endswith("jwt-signature-not-verified")
)
_MARK = re.compile(r"\bvuln: (" + "|".join(CLASSES) + r")\b")


@dataclass(frozen=True)
class Weakness:
    """One planted weakness: app (`flask/vulnerable`), path inside the project, line, class."""

    app: str
    path: str
    line: int
    cls: str


def copy_apps(dest: Path) -> Path:
    """Every app, vulnerable and fixed, under `dest` (outside tests/, so nothing excludes them)."""
    shutil.copytree(APPS, dest)
    return dest


def planted(root: Path) -> list[Weakness]:
    """The `vuln:` annotations of every vulnerable app under `root` (a copy of APPS)."""
    out: list[Weakness] = []
    for path in sorted(root.glob("*/vulnerable/**/*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        app = "/".join(rel.split("/")[:2])
        for no, text in enumerate(path.read_text().splitlines(), start=1):
            for cls in _MARK.findall(text):
                out.append(Weakness(app, rel, no + 1, cls))
    return out


def caught(weak: Weakness, findings: Iterable[Finding]) -> bool:
    """A finding at the weakness's line names its weakness (CWE)."""
    return any(
        f.location is not None
        and f.location.path == weak.path
        and f.location.start_line == weak.line
        and weakness(f) == CLASSES[weak.cls]
        for f in findings
    )

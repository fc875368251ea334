"""Secret engines: lockgate's own rules, detect-secrets and gitleaks, each returning Candidates."""

from __future__ import annotations

LOCKGATE = "lockgate"
DETECT_SECRETS = "detect-secrets"
GITLEAKS = "gitleaks"
ALL = (LOCKGATE, DETECT_SECRETS, GITLEAKS)
PRIORITY = {LOCKGATE: 0, GITLEAKS: 1, DETECT_SECRETS: 2}  # who names a merged finding

"""Secret engines: lockgate's own rules, detect-secrets and gitleaks, each returning Candidates."""

from __future__ import annotations

LOCKGATE = "lockgate"
DETECT_SECRETS = "detect-secrets"
GITLEAKS = "gitleaks"
ALL = (LOCKGATE, DETECT_SECRETS, GITLEAKS)
PRIORITY = {LOCKGATE: 0, GITLEAKS: 1, DETECT_SECRETS: 2}  # who names a merged finding
# Rules that flag any high-entropy value next to a keyword: code and literals are not values there.
GENERIC_RULES = frozenset(
    {
        (GITLEAKS, "generic-api-key"),
        (DETECT_SECRETS, "secret-keyword"),
        (DETECT_SECRETS, "base64-high-entropy-string"),
        (DETECT_SECRETS, "hex-high-entropy-string"),
    }
)


class EngineFailed(Exception):
    """A scanner exited badly; the message never contains its output (it could hold a secret)."""

"""Turn secret values into digests and short fingerprints; scrub tool text before it is kept anywhere."""

from __future__ import annotations

import hashlib

REDACTED = "[REDACTED]"


def digest(secret: str) -> str:
    """sha256 hex of a secret value: its identity everywhere lockgate keeps it (never the value)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def short(value_digest: str) -> str:
    """The short form shown to people: enough to tell two secrets apart, too little to reveal one."""
    return f"sha256:{value_digest[:12]}"


def scrub(text: str) -> str:
    """`text` with every value lockgate's own rules recognise replaced by [REDACTED].

    Used on the rare tool message lockgate shows (an error line), as a second line of defence.
    """
    from lockgate.secrets.rules import find_spans

    spans = find_spans(text)
    if not spans:
        return text
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(text[last:start])
        out.append(REDACTED)
        last = end
    out.append(text[last:])
    return "".join(out)

"""Short value ids for people; scrub tool text before it is kept anywhere.

Value ids themselves are keyed HMACs (lockgate.secrets.valueid): never an unkeyed hash of a value.
"""

from __future__ import annotations

REDACTED = "[REDACTED]"


def short(value_id: str) -> str:
    """The short form shown to people: enough to tell two secrets apart within one project,
    useless for testing guesses without the project's key."""
    return f"hmac:{value_id[:12]}"


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

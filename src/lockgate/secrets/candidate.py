"""One engine's report of a possible secret: where, which rule, and the value's id (never the value)."""

from __future__ import annotations

from dataclasses import dataclass

from lockgate.model import Severity
from lockgate.secrets.rules import CWE_798


@dataclass(frozen=True)
class Candidate:
    engine: str  # "lockgate" | "gitleaks" | "detect-secrets"
    rule_id: str  # the engine's own rule id
    title: str
    path: str
    line: int
    column: int | None = None
    end_line: int | None = None
    digest: str | None = None  # the value's keyed id; None until resolved from the source line
    locator: str | None = None  # how to find the value on its line: "sha1:<hex>" or "cols:<a>:<b>"
    commit: str | None = None  # history: the commit that added it; ":" = the index
    severity: Severity = Severity.HIGH
    help_text: str | None = None
    help_uri: str | None = CWE_798
    example: str | None = None  # why the value is a known sample (reported at info), or None

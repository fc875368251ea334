"""lockgate's own rules as an engine over working-tree texts and git diff chunks."""

from __future__ import annotations

from lockgate.secrets.candidate import Candidate
from lockgate.secrets.engines import LOCKGATE
from lockgate.secrets.rules import scan_text
from lockgate.secrets.valueid import ValueIds


def scan(
    path: str, text: str, ids: ValueIds, *, commit: str | None = None, first_line: int = 1
) -> list[Candidate]:
    """Candidates in one text; line numbers start at `first_line`."""
    return [
        Candidate(
            engine=LOCKGATE,
            rule_id=hit.rule.id,
            title=hit.rule.title,
            path=path,
            line=hit.line + first_line - 1,
            column=hit.column,
            end_line=hit.end_line + first_line - 1,
            digest=hit.digest,
            commit=commit,
            severity=hit.rule.severity,
            help_text=hit.rule.help_text,
            help_uri=hit.rule.help_uri,
            example=hit.example,
        )
        for hit in scan_text(text, path, ids)
    ]

"""The exceptions register: `[[portability.exception]]` entries that accept a cloud-specific item.

Each names what it accepts (`match`), why, who owns it and when to review it. An accepted item
costs no points; an exception past its review date is a finding until someone reviews it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lockgate.errors import LockgateError

REQUIRED = ("match", "reason", "owner", "review")


@dataclass(frozen=True)
class PortabilityException:
    match: str
    reason: str
    owner: str
    review: datetime.date
    where: str  # "lockgate.toml:12"

    def overdue(self, today: datetime.date) -> bool:
        return today > self.review


def read(entries: Sequence[Mapping[str, Any]], where: Any) -> tuple[PortabilityException, ...]:
    """The register's entries; `where(dotted_key)` gives a key's file and line for errors."""
    out = []
    for i, entry in enumerate(entries):
        at = where(f"portability.exception.{i}")
        missing = [k for k in REQUIRED if k not in entry]
        wrong = [k for k in REQUIRED[:3] if k in entry and not str(entry[k]).strip()]
        review = entry.get("review")
        if missing or wrong or not isinstance(review, datetime.date):
            raise LockgateError(
                f"[[portability.exception]] #{i + 1} needs "
                + ", ".join(missing or wrong or ["review as a date"]),
                where=at,
                hint='write match = "aws_dynamodb_table", reason = "...", owner = "team-x", '
                "review = 2027-03-31 (an unquoted date)",
            )
        out.append(
            PortabilityException(
                str(entry["match"]), str(entry["reason"]), str(entry["owner"]), review, at
            )
        )
    return tuple(out)


def overdue(register: Sequence[PortabilityException], today: datetime.date) -> list[str]:
    """One sentence per exception past its review date."""
    return [
        f"{e.where}: the exception for {e.match} (owner {e.owner}) was due for review on "
        f"{e.review.isoformat()}: review it and move the date, or remove it"
        for e in register
        if e.overdue(today)
    ]

"""The verdict of a run as people read it: PASSED, PASSED WITH UNCHECKED, FAILED, ...

The stored `RunStatus` says whether the gates passed (it decides the exit code); the verdict adds
what a green status must never hide: something a stage could not check. Every format and the
terminal summary word it the same way through this module.
"""

from __future__ import annotations

import enum

from lockgate.model import Run, RunStatus, StageResult, Unchecked


class Verdict(enum.StrEnum):
    PASSED = "passed"
    PASSED_WITH_UNCHECKED = "passed_with_unchecked"
    FAILED = "failed"
    ERROR = "error"
    RUNNING = "running"
    INTERRUPTED = "interrupted"

    @property
    def label(self) -> str:
        """Upper-case words for headings: 'PASSED WITH UNCHECKED'."""
        return self.value.replace("_", " ").upper()


def verdict(run: Run) -> Verdict:
    if run.status is RunStatus.PASSED and unchecked_total(run):
        return Verdict.PASSED_WITH_UNCHECKED
    return Verdict(run.status.value)


def unchecked_total(run: Run) -> int:
    """How many items the run's stages could not check (each Unchecked counts `count`)."""
    return sum(r.unchecked_count for r in run.results)


def unchecked_items(run: Run) -> list[tuple[StageResult, Unchecked]]:
    """Every unchecked item with its stage, in plan order."""
    return [(r, u) for r in run.results for u in r.unchecked]


def describe(item: Unchecked, *, with_fix: bool = True) -> str:
    """'requirements.txt: 31 not checked (no advisory data for PyPI); fix: set advisory_db'."""
    text = f"{item.what}: {item.count} not checked ({item.reason})"
    return f"{text}; fix: {item.fix}" if with_fix and item.fix else text


def headline(run: Run) -> str:
    """'PASSED WITH UNCHECKED (31 items not checked)' or just 'FAILED'."""
    label = verdict(run).label
    total = unchecked_total(run)
    return f"{label} ({total} item{'s' if total != 1 else ''} not checked)" if total else label

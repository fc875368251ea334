"""Known findings for `new_only` gating: a committed baseline file, else the base branch's last green run."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lockgate.errors import LockgateError
from lockgate.model import Run, Status

BASELINE_FILE = Path(".lockgate") / "baseline.json"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Baseline:
    source: str  # where the known findings came from, for the report
    known: Mapping[str, frozenset[str]]  # stage -> fingerprints

    def for_stage(self, stage: str) -> frozenset[str]:
        return self.known.get(stage, frozenset())


EMPTY = Baseline(source="none", known={})
_UNCHECKED = (Status.SKIPPED, Status.ERROR)  # such a result says nothing about the findings


def load_file(project: Path) -> Baseline | None:
    path = project / BASELINE_FILE
    if not path.exists():
        return None
    try:
        known = _parse(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise LockgateError(
            f"the baseline file is not valid: {exc}",
            where=str(BASELINE_FILE),
            hint="regenerate it with `lockgate baseline update`, or delete it",
        ) from exc
    return Baseline(source=str(BASELINE_FILE), known=known)


def _parse(data: object) -> dict[str, frozenset[str]]:
    """The stage -> fingerprints of a decoded file; ValueError saying what is wrong."""
    if not isinstance(data, dict) or "schema_version" not in data or "stages" not in data:
        raise ValueError('expected an object with "schema_version" and "stages"')
    if data["schema_version"] != SCHEMA_VERSION:
        raise ValueError(f"schema_version {data['schema_version']!r} is not {SCHEMA_VERSION}")
    stages = data["stages"]
    if not isinstance(stages, dict):
        raise ValueError('"stages" must map each stage to a list of fingerprints')
    for stage, entries in stages.items():
        if not isinstance(entries, list) or not all(isinstance(fp, str) for fp in entries):
            raise ValueError(f'"stages.{stage}" must be a list of fingerprint strings')
    return {stage: frozenset(entries) for stage, entries in stages.items()}


def from_run(run: Run) -> Baseline:
    known = {r.stage: frozenset(f.fingerprint for f in r.findings) for r in run.results}
    return Baseline(source=f"run {run.id} ({run.branch})", known=known)


def write_file(project: Path, run: Run, stages: Iterable[str] | None = None) -> Path:
    """Accept every finding of `run` as known: write `.lockgate/baseline.json` (sorted, diff-friendly).

    Stages the run did not check (left out with --only/--skip, skipped, or in error) keep the
    entries they already had, so a partial run never forgets what was accepted before.
    """
    wanted = set(stages) if stages is not None else None
    entries = {s: sorted(fps) for s, fps in _previous(project).items()}
    entries.update(
        (r.stage, sorted({f.fingerprint for f in r.findings if f.rule_id != "expired-suppression"}))
        for r in run.results
        if (wanted is None or r.stage in wanted) and r.status not in _UNCHECKED
    )
    payload = {
        "schema_version": SCHEMA_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "from_run": run.id,
        "stages": dict(sorted(entries.items())),
    }
    path = project / BASELINE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


def _previous(project: Path) -> Mapping[str, frozenset[str]]:
    """The entries of the current baseline file; none when it is missing or broken (regenerated)."""
    try:
        current = load_file(project)
    except LockgateError:
        return {}
    return current.known if current is not None else {}

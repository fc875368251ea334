"""Known findings for `new_only` gating: a committed baseline file, else the base branch's last green run."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lockgate.errors import LockgateError
from lockgate.model import Run

BASELINE_FILE = Path(".lockgate") / "baseline.json"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Baseline:
    source: str  # where the known findings came from, for the report
    known: Mapping[str, frozenset[str]]  # stage -> fingerprints

    def for_stage(self, stage: str) -> frozenset[str]:
        return self.known.get(stage, frozenset())


EMPTY = Baseline(source="none", known={})


def load_file(project: Path) -> Baseline | None:
    path = project / BASELINE_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        version = data["schema_version"]
        stages = data["stages"]
        if version != SCHEMA_VERSION:
            raise ValueError(f"schema_version {version} is not {SCHEMA_VERSION}")
        known = {s: frozenset(str(fp) for fp in entries) for s, entries in stages.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LockgateError(
            f"the baseline file is not valid: {exc}",
            where=str(BASELINE_FILE),
            hint="regenerate it with `lockgate baseline update`, or delete it",
        ) from exc
    return Baseline(source=str(BASELINE_FILE), known=known)


def from_run(run: Run) -> Baseline:
    known = {r.stage: frozenset(f.fingerprint for f in r.findings) for r in run.results}
    return Baseline(source=f"run {run.id} ({run.branch})", known=known)


def write_file(project: Path, run: Run, stages: Iterable[str] | None = None) -> Path:
    """Accept every finding of `run` as known: write `.lockgate/baseline.json` (sorted, diff-friendly)."""
    wanted = set(stages) if stages is not None else None
    entries = {
        r.stage: sorted({f.fingerprint for f in r.findings if f.rule_id != "expired-suppression"})
        for r in run.results
        if wanted is None or r.stage in wanted
    }
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

"""Known findings for `new_only` gating: a committed baseline file, else the base branch's last green run."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lockgate import fsread
from lockgate.errors import LockgateError
from lockgate.model import Run, Status

BASELINE_FILE = Path(".lockgate") / "baseline.json"
SCHEMA_VERSION = 1
MAX_BYTES = 256 * fsread.MIB  # ~3 million fingerprints; anything larger is not a baseline


@dataclass(frozen=True)
class Baseline:
    source: str  # where the known findings came from, for the report
    known: Mapping[str, frozenset[str]]  # stage -> fingerprints

    def for_stage(self, stage: str) -> frozenset[str]:
        return self.known.get(stage, frozenset())


EMPTY = Baseline(source="none", known={})
_UNCHECKED = (Status.SKIPPED, Status.ERROR)  # such a result says nothing about the findings


def load_file(project: Path) -> Baseline | None:
    """The committed baseline, or None when there is none; LockgateError when it cannot be used.

    Anything at the path that is not a readable regular JSON file (a symlink loop, a FIFO, a
    device, a folder) is an error, never "no baseline": new_only gating would otherwise fail
    every known finding, or silently change meaning.
    """
    path = project / BASELINE_FILE
    if not (path.exists() or path.is_symlink()):
        return None
    try:
        known = _parse(json.loads(fsread.read_text(path, MAX_BYTES)))
    except OSError as exc:
        raise _invalid(f"the baseline file cannot be read: {exc.strerror or exc}") from None
    except RecursionError:
        raise _invalid("the baseline file is nested far deeper than a baseline ever is") from None
    except ValueError as exc:  # JSON syntax, not UTF-8, or the wrong shape
        raise _invalid(f"the baseline file is not valid: {exc}") from None
    return Baseline(source=str(BASELINE_FILE), known=known)


def _invalid(message: str) -> LockgateError:
    return LockgateError(
        message,
        where=str(BASELINE_FILE),
        hint="regenerate it with `lockgate baseline update`, or delete it",
    )


def _parse(data: object) -> dict[str, frozenset[str]]:
    """The stage -> fingerprints of a decoded file; ValueError saying what is wrong."""
    if not isinstance(data, dict) or "schema_version" not in data or "stages" not in data:
        raise ValueError('expected an object with "schema_version" and "stages"')
    version = data["schema_version"]
    if type(version) is not int or version != SCHEMA_VERSION:
        raise ValueError(f"schema_version {_shown(version)} is not {SCHEMA_VERSION}")
    stages = data["stages"]
    if not isinstance(stages, dict):
        raise ValueError('"stages" must map each stage to a list of fingerprints')
    for stage, entries in stages.items():
        if not isinstance(entries, list) or not all(isinstance(fp, str) for fp in entries):
            raise ValueError(f'"stages.{_shown(stage)}" must be a list of fingerprint strings')
    return {stage: frozenset(entries) for stage, entries in stages.items()}


def _shown(value: object) -> str:
    """A value from the file, short and printable (a 5,000-digit number has no repr in Python)."""
    try:
        text = value if isinstance(value, str) else json.dumps(value)
    except (ValueError, TypeError):
        text = type(value).__name__
    text = text if text.isprintable() else repr(text)[1:-1]
    return text if len(text) <= 60 else text[:57] + "..."


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
    # Written beside and renamed over: a symlink at the path is replaced, never written through.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise LockgateError(
            f"cannot write the baseline: {exc.strerror or exc}",
            where=str(BASELINE_FILE),
            hint="make .lockgate/ a writable folder (move aside whatever is in the way)",
        ) from None
    return path


def _previous(project: Path) -> Mapping[str, frozenset[str]]:
    """The entries of the current baseline file; none when it is missing or broken (regenerated)."""
    try:
        current = load_file(project)
    except LockgateError:
        return {}
    return current.known if current is not None else {}

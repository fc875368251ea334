"""results.json: run metadata plus every StageResult, versioned; and its inverse, run_from_json."""

from __future__ import annotations

import enum
import json
import math
import re
from collections import Counter
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from lockgate import __version__
from lockgate.errors import LockgateError
from lockgate.model import Run, RunStatus, StageResult, result_from_dict, result_to_dict
from lockgate.reports.interface import FormatName
from lockgate.reports.text import all_findings, iso
from lockgate.reports.verdict import unchecked_total, verdict

SCHEMA_VERSION = 1
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonReport:
    name = FormatName.JSON.value
    filename = "results.json"

    def render(self, run: Run) -> str:
        return json.dumps(run_to_dict(run), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def run_to_dict(run: Run) -> dict[str, Any]:
    findings = all_findings(run)
    data = {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "lockgate", "version": __version__},
        "run": {
            "id": run.id,
            "project": run.project,
            "started": iso(run.started),
            "finished": iso(run.finished),
            "status": run.status.value,
            "verdict": verdict(run).value,
            "branch": run.branch,
            "commit": run.commit,
        },
        "summary": {
            "stages": dict(sorted(Counter(r.status.value for r in run.results).items())),
            "findings": dict(sorted(Counter(f.state.value for f in findings).items())),
            "total_findings": len(findings),
            "unchecked": unchecked_total(run),
        },
        "results": [result_to_dict(r) for r in run.results],
    }
    plain: dict[str, Any] = _plain(data)
    return plain


def _plain(value: Any) -> Any:
    """Plain JSON data: NaN/Infinity (a broken metric) become null, enums their value."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)  # lone surrogates cannot be written as UTF-8
    return value


@cache
def results_schema() -> dict[str, Any]:
    """The JSON Schema of results.json (shipped beside this module)."""
    text = resources.files("lockgate.reports").joinpath("results.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def run_from_json(text: str, *, source: str = "results.json") -> Run:
    """Rebuild the Run a results.json was rendered from; malformed input -> LockgateError (exit 2)."""
    hint = "pass a results.json written by `lockgate run` (schema_version 1)"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"{source}:{exc.lineno}:{exc.colno}"
        raise LockgateError(f"not valid JSON: {exc.msg}", where=where, hint=hint) from None
    _validate(data, source, hint)
    try:
        return _run_from_dict(data)
    except (KeyError, ValueError, TypeError) as exc:
        raise LockgateError(f"malformed results: {exc}", where=source, hint=hint) from None


def _validate(data: Any, source: str, hint: str) -> None:
    # imported here: jsonschema takes ~2 s to import on this machine (rfc3987 grammar)
    import jsonschema  # type: ignore[import-untyped]

    if isinstance(data, dict) and data.get("schema_version") not in (None, SCHEMA_VERSION):
        found = data.get("schema_version")
        raise LockgateError(
            f"results schema_version {found!r} is not supported (this lockgate reads "
            f"{SCHEMA_VERSION})",
            where=source,
            hint="re-render it with the lockgate version that wrote it",
        )
    validator = jsonschema.Draft202012Validator(results_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise LockgateError(
            f"malformed results at {path.lstrip('.') or 'top level'}: {error.message}",
            where=source,
            hint=hint,
        )


def _run_from_dict(data: dict[str, Any]) -> Run:
    meta = data["run"]
    finished = meta.get("finished")
    return Run(
        id=meta["id"],
        project=meta["project"],
        started=datetime.fromisoformat(meta["started"]),
        status=RunStatus(meta["status"]),
        finished=datetime.fromisoformat(finished) if finished else None,
        branch=meta.get("branch"),
        commit=meta.get("commit"),
        results=tuple(_result(r) for r in data["results"]),
    )


def _result(data: dict[str, Any]) -> StageResult:
    for metric in data["metrics"]:
        if metric["value"] is None:
            metric["value"] = math.nan
    return result_from_dict(data)

"""results.json: StageResults plus run metadata, versioned, and read back exactly by run_from_json."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import Any

import jsonschema
import pytest

from lockgate.errors import ExitCode, LockgateError
from lockgate.model import Metric, Run, result_to_dict
from lockgate.reports import render, run_from_json
from lockgate.reports.jsonreport import SCHEMA_VERSION, results_schema


def data(run: Run) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(render(run, "json"))
    return loaded


def test_round_trip_gives_the_same_run(sample_run: Run) -> None:
    assert run_from_json(render(sample_run, "json")) == sample_run


def test_document_shape(sample_run: Run) -> None:
    doc = data(sample_run)
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["run"] == {
        "id": "run-20260314-0926",
        "project": "parcel-service",
        "started": "2026-03-14T09:26:53Z",
        "finished": "2026-03-14T09:28:04Z",
        "status": "failed",
        "verdict": "failed",
        "branch": "feature/labels",
        "commit": "3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345",
    }
    assert doc["summary"]["total_findings"] == 8
    assert doc["summary"]["findings"] == {
        "below_threshold": 2,
        "known": 1,
        "open": 4,
        "suppressed": 1,
    }
    assert doc["results"][0] == json.loads(json.dumps(result_to_dict(sample_run.results[0])))
    jsonschema.Draft202012Validator(results_schema()).validate(doc)


def test_hostile_run_round_trips_except_unwritable_surrogates(hostile_run: Run) -> None:
    text = render(hostile_run, "json")
    text.encode("utf-8")  # writable as UTF-8
    back = run_from_json(text)
    assert back.id == hostile_run.id.replace("\ud800", "\ufffd")
    assert back.results[0].findings[0].message == back.id
    assert math.isnan(back.results[0].metrics[1].value)  # NaN is written as null, read as NaN
    assert '"value": null' in text


def test_naive_timestamps_are_read_back_as_utc(sample_run: Run) -> None:
    naive = replace(sample_run, started=sample_run.started.replace(tzinfo=None), finished=None)
    back = run_from_json(render(naive, "json"))
    assert back.started == sample_run.started
    assert back.finished is None


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("results", 0, "findings", 0, "severity"), "urgent", "results[0].findings[0].severity"),
        (("results", 1, "status"), "green", "results[1].status"),
        (("run", "started"), "yesterday", "Invalid isoformat"),
        (("run", "status"), None, "run.status"),
        (("results", 3, "metrics", 0, "value"), "87.5", "results[3].metrics[0].value"),
        (("results",), {}, "results"),
        (("results", 0, "findings", 0, "location"), {"line": 3}, "location"),
    ],
)
def test_malformed_results_name_the_problem(
    sample_run: Run, path: tuple[Any, ...], value: Any, expected: str
) -> None:
    doc = data(sample_run)
    _set(doc, path, value)
    with pytest.raises(LockgateError) as info:
        run_from_json(json.dumps(doc), source="store/run-7.json")
    assert expected in info.value.message
    assert info.value.where == "store/run-7.json"
    assert info.value.exit_code is ExitCode.BAD_INPUT
    assert info.value.hint


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", "null", '{"schema_version": 1}'])
def test_not_a_results_file(text: str) -> None:
    with pytest.raises(LockgateError) as info:
        run_from_json(text)
    assert info.value.where is not None and info.value.where.startswith("results.json")


def test_invalid_json_points_at_line_and_column() -> None:
    with pytest.raises(LockgateError) as info:
        run_from_json('{\n  "run": oops\n}')
    assert info.value.where == "results.json:2:10"


def test_unsupported_schema_version(sample_run: Run) -> None:
    doc = data(sample_run)
    doc["schema_version"] = 99
    with pytest.raises(LockgateError, match="schema_version 99"):
        run_from_json(json.dumps(doc))


def test_metric_values_stay_numbers(sample_run: Run) -> None:
    run = replace(
        sample_run,
        results=(sample_run.results[0].with_(metrics=(Metric("inf", math.inf, "s"),)),),
    )
    doc = data(run)
    assert doc["results"][0]["metrics"] == [{"name": "inf", "value": None, "unit": "s"}]

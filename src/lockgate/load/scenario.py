"""Which traffic to send: `[[stages.load.scenario]]`, else the OpenAPI document, else locustfile.py."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lockgate.errors import LockgateError
from lockgate.load import openapi
from lockgate.load.interface import Method, Request, Scenario, ScenarioSource

CONFIG = "lockgate.toml"
_KEYS = ("path", "method", "weight", "body", "json", "headers", "name")


def choose(
    project: Path, entries: Sequence[Mapping[str, Any]], openapi_file: str, locustfile: str
) -> Scenario | None:
    """The first source that is there: config entries, an OpenAPI document, the project's
    locustfile; None when there is none. A broken one is an error naming the file and line."""
    if entries:
        requests = tuple(from_entry(e, i) for i, e in enumerate(entries, 1))
        return Scenario(ScenarioSource.CONFIG, CONFIG, requests)
    document = openapi.find(project, openapi_file)
    if document is not None:
        requests, unchecked = openapi.requests(document, project)
        return Scenario(ScenarioSource.OPENAPI, _rel(document, project), requests, None, unchecked)
    own = project / locustfile
    if own.is_file():
        check_locustfile(own, project)
        return Scenario(ScenarioSource.LOCUSTFILE, _rel(own, project), locustfile=own)
    return None


NO_SCENARIO = (
    "no load scenario: no [[stages.load.scenario]] entries, no OpenAPI document and no locustfile"
)
NO_SCENARIO_FIX = (
    'add [[stages.load.scenario]] entries (path = "/", weight = 1) to lockgate.toml, an '
    "openapi.json, or a locustfile.py to the project"
)


def from_entry(entry: Mapping[str, Any], index: int) -> Request:
    """One `[[stages.load.scenario]]` table as a Request, or an error naming the entry and key."""
    where = f"{CONFIG} [[stages.load.scenario]] entry {index}"
    unknown = sorted(set(entry) - set(_KEYS))
    if unknown:
        raise LockgateError(
            f"unknown key(s) {', '.join(unknown)}", where=where, hint=f"keys: {', '.join(_KEYS)}"
        )
    path = entry.get("path")
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        raise LockgateError(
            f"path must be a path on the target starting with '/', found {path!r}",
            where=where,
            hint='e.g. path = "/api/v1/items?page=2"; the host is the target URL, never the path\'s',
        )
    method = str(entry.get("method", "GET")).upper()
    if method not in Method.__members__:
        raise LockgateError(
            f"method {entry.get('method')!r} is not an HTTP method lockgate sends",
            where=where,
            hint=f"one of {', '.join(Method)}",
        )
    weight = entry.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 1000:
        raise LockgateError(
            f"weight must be a whole number from 1 to 1000, found {weight!r}", where=where
        )
    return Request(
        method=Method(method),
        path=path,
        weight=weight,
        body=_body(entry, where),
        json=_json(entry, where),
        headers=_headers(entry, where),
        name=_name(entry, where),
    )


def _body(entry: Mapping[str, Any], where: str) -> str | None:
    body = entry.get("body")
    if body is not None and not isinstance(body, str):
        raise LockgateError("body must be a string (use json = {...} for a JSON body)", where=where)
    if body is not None and "json" in entry:
        raise LockgateError("give body or json, not both", where=where)
    return body


def _json(entry: Mapping[str, Any], where: str) -> str | None:
    if "json" not in entry:
        return None
    try:
        return json.dumps(_plain(entry["json"]), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise LockgateError(f"json cannot be sent as JSON: {exc}", where=where) from None


def _plain(value: Any) -> Any:
    """Frozen config values (read-only mappings, tuples) as JSON-ready dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _headers(entry: Mapping[str, Any], where: str) -> tuple[tuple[str, str], ...]:
    headers = entry.get("headers", {})
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and "\n" not in k + v for k, v in headers.items()
    ):
        raise LockgateError(
            "headers must be a table of strings",
            where=where,
            hint='headers = {Accept = "text/html"}',
        )
    return tuple(sorted(headers.items()))


def _name(entry: Mapping[str, Any], where: str) -> str | None:
    name = entry.get("name")
    if name is not None and not isinstance(name, str):
        raise LockgateError("name must be a string", where=where)
    return name


def check_locustfile(path: Path, project: Path) -> None:
    """A locustfile that does not even compile is bad input, found before any traffic."""
    try:
        source = path.read_bytes()
        compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise LockgateError(
            f"the locustfile does not compile: {exc.msg}",
            where=f"{_rel(path, project)}:{exc.lineno or 1}",
            hint="fix the syntax error (python -m py_compile locustfile.py shows it)",
        ) from None
    except (OSError, ValueError) as exc:
        raise LockgateError(
            f"cannot read the locustfile: {exc}", where=_rel(path, project)
        ) from None


def _rel(path: Path, project: Path) -> str:
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return str(path)

"""Requests from an OpenAPI (3.x or Swagger 2) document: every GET endpoint, with example parameters."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import yaml  # type: ignore[import-untyped]

from lockgate.errors import LockgateError
from lockgate.load.interface import Method, Request
from lockgate.model import Unchecked

CANDIDATES = ("openapi.json", "openapi.yaml", "openapi.yml", "swagger.json")
MAX_BYTES = 20_000_000
_NO_VALUE = object()
_FIX = "add an `example` to the parameter (or its schema) in the OpenAPI document"


def find(project: Path, configured: str) -> Path | None:
    """The configured document (which must exist), else the first of CANDIDATES in the project."""
    if configured:
        path = project / configured
        if not path.is_file():
            raise LockgateError(
                f"the OpenAPI document '{configured}' does not exist",
                where="lockgate.toml [stages.load] openapi",
                hint="give its path relative to the project, or remove the key",
            )
        return path
    return next((project / c for c in CANDIDATES if (project / c).is_file()), None)


def requests(path: Path, project: Path) -> tuple[tuple[Request, ...], tuple[Unchecked, ...]]:
    """One GET request per endpoint that can be called; the others are named as unchecked."""
    where = path.relative_to(project).as_posix() if path.is_relative_to(project) else str(path)
    doc = load(path, where)
    paths = doc.get("paths")
    if not isinstance(paths, Mapping):
        raise LockgateError(
            "the OpenAPI document has no `paths` object",
            where=where,
            hint="check it is an OpenAPI 3 or Swagger 2 document (it needs paths: {...})",
        )
    prefix = _prefix(doc)
    found: list[Request] = []
    skipped: list[Unchecked] = []
    for route, item in paths.items():
        if not isinstance(item, Mapping) or not isinstance(item.get("get"), Mapping):
            continue
        params = [*_list(item.get("parameters")), *_list(item["get"].get("parameters"))]
        made = _request(str(route), prefix, [_deref(doc, p) for p in params])
        if isinstance(made, Request):
            found.append(made)
        else:
            skipped.append(Unchecked(f"GET {route}", made, fix=_FIX))
    if not found:
        raise LockgateError(
            "the OpenAPI document has no GET endpoint lockgate can call"
            + (f" ({len(skipped)} need parameter examples)" if skipped else ""),
            where=where,
            hint=_FIX + ", or give [[stages.load.scenario]] entries in lockgate.toml",
        )
    return tuple(found), tuple(skipped)


def load(path: Path, where: str) -> Mapping[str, Any]:
    """The document as data; a broken one is an error naming its line."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise LockgateError("the OpenAPI document is larger than 20 MB", where=where)
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LockgateError(f"cannot read the OpenAPI document: {exc}", where=where) from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise LockgateError(
            f"the OpenAPI document is not valid JSON: {exc.msg}",
            where=f"{where}:{exc.lineno}",
            hint="fix the JSON (python -m json.tool FILE shows where), or regenerate the document",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise LockgateError(
            f"the OpenAPI document is not valid YAML: {getattr(exc, 'problem', exc)}",
            where=where + line,
            hint="fix the YAML, or regenerate the document",
        ) from None
    if not isinstance(data, Mapping) or not ("openapi" in data or "swagger" in data):
        raise LockgateError(
            "not an OpenAPI document (no `openapi` or `swagger` version key)",
            where=where,
            hint="point [stages.load] openapi at the service's OpenAPI document",
        )
    return data


def _request(route: str, prefix: str, params: list[Mapping[str, Any]]) -> Request | str:
    """The request for one GET endpoint, or why it cannot be made."""
    path = route
    query: list[tuple[str, str]] = []
    for param in params:
        name, where = str(param.get("name", "")), param.get("in")
        if where not in ("path", "query") or (where == "query" and not param.get("required")):
            continue  # headers, cookies and optional query parameters are left out
        value = example(param)
        if value is _NO_VALUE:
            return f"no example value for the {where} parameter '{name}'"
        if where == "path":
            path = path.replace("{" + name + "}", quote(_text(value), safe=""))
        else:
            query.append((name, _text(value)))
    if "{" in path:
        return "a path parameter is not declared"
    full = prefix + path + (("?" + urlencode(query)) if query else "")
    return Request(Method.GET, full, name=prefix + route)


def example(param: Mapping[str, Any]) -> object:
    """An example value: the parameter's example(s), then its schema's example(s), default, enum."""
    raw = param.get("schema")
    schema: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    holders: tuple[Mapping[str, Any], ...] = (param, schema)
    for holder in holders:
        if "example" in holder:
            return holder["example"]
        if "x-example" in holder:
            return holder["x-example"]
        examples = holder.get("examples")
        if isinstance(examples, list) and examples:
            return examples[0]
        if isinstance(examples, Mapping):
            for item in examples.values():
                if isinstance(item, Mapping) and "value" in item:
                    return item["value"]
    for holder in holders:
        if "default" in holder:
            return holder["default"]
        if isinstance(holder.get("enum"), list) and holder["enum"]:
            return holder["enum"][0]
    return _NO_VALUE


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _prefix(doc: Mapping[str, Any]) -> str:
    """A relative `servers[0].url` (OpenAPI 3) or `basePath` (Swagger 2); an absolute server URL
    names some other host and is ignored: the traffic goes to the target URL only."""
    servers = doc.get("servers")
    base = ""
    if isinstance(servers, list) and servers and isinstance(servers[0], Mapping):
        url = servers[0].get("url")
        base = url if isinstance(url, str) and url.startswith("/") else ""
    elif isinstance(doc.get("basePath"), str):
        base = doc["basePath"]
    return base.rstrip("/")


def _list(value: Any) -> list[Any]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _deref(doc: Mapping[str, Any], item: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local `$ref` (#/components/parameters/X), a few levels deep at most."""
    for _ in range(5):
        ref = item.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            break
        target: Any = doc
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, Mapping) else None
        if not isinstance(target, Mapping):
            return {}
        item = target
    schema = item.get("schema")
    if isinstance(schema, Mapping) and "$ref" in schema:
        item = {**item, "schema": _deref(doc, schema)}
    return item

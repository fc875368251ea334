"""The HTTP API page from the OpenAPI document: every operation, its parameters, body and responses."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml  # type: ignore[import-untyped]

from lockgate.docsite import markdown
from lockgate.docsite.html import esc, missing, table
from lockgate.docsite.interface import Gap, GapKind, Page, Part, Source, Unread

CANDIDATES = tuple(
    f"{d}openapi.{ext}" for d in ("", "docs/", "api/") for ext in ("json", "yaml", "yml")
)
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def find(source: Source) -> str | None:
    configured = str(source.options["openapi"])
    if configured:
        return configured
    return next((c for c in CANDIDATES if c in source.files), None)


def build(source: Source) -> Part:
    path = find(source)
    if path is None:
        return Part()
    fix = f"fix {path}, or set [stages.docs] openapi"
    try:
        text = (source.root / path).read_text(encoding="utf-8")
        doc = json.loads(text) if path.endswith(".json") else yaml.safe_load(text)
    except FileNotFoundError:
        fix = "fix [stages.docs] openapi, or leave it empty to find openapi.json/.yaml"
        return Part(
            unread=(Unread(path, "does not exist, but [stages.docs] openapi names it", fix),)
        )
    except OSError as exc:
        return Part(unread=(Unread(path, f"cannot be read: {exc.strerror or exc}", fix),))
    except (UnicodeDecodeError, ValueError, yaml.YAMLError, RecursionError) as exc:
        reason = f"cannot be read as an OpenAPI document: {exc}".splitlines()[0]
        return Part(unread=(Unread(path, reason, fix),))
    if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
        return Part(
            unread=(
                Unread(path, "has no `paths` object", "point openapi at an OpenAPI 3 document"),
            )
        )
    operations = [
        (p, m, op)
        for p, item in doc["paths"].items()
        if isinstance(item, dict)
        for m, op in item.items()
        if m in METHODS and isinstance(op, dict)
    ]
    gaps = [
        Gap(GapKind.ENDPOINT, f"{m.upper()} {p}", path)
        for p, m, op in operations
        if not (op.get("summary") or op.get("description"))
    ]
    body = (
        _info(doc, path)
        + _index(operations)
        + "".join(_operation(p, m, op) for p, m, op in operations)
    )
    body += _schemas(doc)
    page = Page("http-api", "HTTP API", body)
    return Part((page,), tuple(gaps), (), {"endpoints": len(operations)})


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _info(doc: Mapping[str, Any], path: str) -> str:
    info = _dict(doc.get("info"))
    title = esc(info.get("title", "API"))
    version = esc(info.get("version", ""))
    desc = markdown.render(str(info["description"])) if info.get("description") else ""
    return f"<p><strong>{title}</strong> {version} (from <code>{esc(path)}</code>)</p>{desc}"


def _anchor(method: str, path: str) -> str:
    return esc(f"op-{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""))


def _index(operations: list[tuple[str, str, dict[str, Any]]]) -> str:
    rows = [
        (
            f'<a href="#{_anchor(m, p)}"><span class="method">{esc(m)}</span> <code>{esc(p)}</code></a>',
            esc(op.get("summary", "")) or missing(),
        )
        for p, m, op in operations
    ]
    return "<h2>Endpoints</h2>" + table(("Endpoint", "Summary"), rows)


def _operation(path: str, method: str, op: Mapping[str, Any]) -> str:
    head = (
        f'<h3 id="{_anchor(method, path)}"><span class="method">{esc(method)}</span> '
        f"<code>{esc(path)}</code></h3>"
    )
    summary = f"<p><strong>{esc(op['summary'])}</strong></p>" if op.get("summary") else ""
    desc = markdown.render(str(op["description"])) if op.get("description") else ""
    if not summary and not desc:
        desc = f"<p>{missing()}</p>"
    params = [
        (
            f"<code>{esc(p.get('name', ''))}</code>",
            esc(p.get("in", "")),
            "yes" if p.get("required") else "no",
            _type(p.get("schema")),
            esc(p.get("description", "")),
        )
        for p in op.get("parameters", [])
        if isinstance(p, dict)
    ]
    out = head + summary + desc
    if params:
        out += "<h4>Parameters</h4>" + table(
            ("Name", "In", "Required", "Type", "Description"), params
        )
    body = op.get("requestBody")
    if isinstance(body, dict):
        out += "<h4>Request body</h4>" + table(("Content type", "Schema"), _content(body))
    responses = _dict(op.get("responses"))
    rows = [
        (
            esc(code),
            esc(r.get("description", "")) if isinstance(r, dict) else "",
            ", ".join(c[1] for c in _content(r)) if isinstance(r, dict) else "",
        )
        for code, r in responses.items()
    ]
    return out + "<h4>Responses</h4>" + table(("Status", "Description", "Body"), rows)


def _content(obj: Mapping[str, Any]) -> list[tuple[str, str]]:
    content = _dict(obj.get("content"))
    return [
        (
            f"<code>{esc(ctype)}</code>",
            _type(media.get("schema") if isinstance(media, dict) else None),
        )
        for ctype, media in content.items()
    ]


def _type(schema: Any) -> str:
    if not isinstance(schema, dict):
        return ""
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        return f'<a href="#schema-{esc(name)}">{esc(name)}</a>'
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(key), list):
            return " | ".join(_type(s) for s in schema[key])
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items'))}"
    fmt = f" ({esc(schema['format'])})" if schema.get("format") else ""
    return esc(schema.get("type", "")) + fmt


def _schemas(doc: Mapping[str, Any]) -> str:
    schemas = _dict(_dict(doc.get("components")).get("schemas"))
    if not schemas:
        return ""
    out = "<h2>Schemas</h2>"
    for name, schema in schemas.items():
        if not isinstance(schema, dict):
            continue
        required = set(schema.get("required", []))
        props = _dict(schema.get("properties"))
        rows = [
            (
                f"<code>{esc(p)}</code>",
                _type(s),
                "yes" if p in required else "no",
                esc(s.get("description", "")) if isinstance(s, dict) else "",
            )
            for p, s in props.items()
        ]
        out += f'<h3 id="schema-{esc(name)}">{esc(name)}</h3>'
        out += f"<p>{esc(schema['description'])}</p>" if schema.get("description") else ""
        out += table(("Property", "Type", "Required", "Description"), rows)
    return out

"""Scenario sources: config entries (accepted and refused), OpenAPI documents, the project's locustfile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lockgate.errors import LockgateError
from lockgate.load import openapi, scenario
from lockgate.load.interface import Method, ScenarioSource
from tests.testing.harness import EXAMPLES

ACCEPTED: list[tuple[dict[str, Any], tuple[Method, str, int, str | None, str | None]]] = [
    ({"path": "/"}, (Method.GET, "/", 1, None, None)),
    (
        {"path": "/a?b=1", "method": "post", "weight": 3, "body": "x=1"},
        (Method.POST, "/a?b=1", 3, "x=1", None),
    ),
    (
        {"path": "/j", "method": "PUT", "json": {"n": [1, 2]}},
        (Method.PUT, "/j", 1, None, '{"n": [1, 2]}'),
    ),
]

REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"path": "http://elsewhere.example/"}, "starting with '/'"),
    ({"path": "//elsewhere.example/x"}, "starting with '/'"),
    ({"path": "relative"}, "starting with '/'"),
    ({}, "starting with '/'"),
    ({"path": "/", "method": "BREW"}, "not an HTTP method"),
    ({"path": "/", "weight": 0}, "weight"),
    ({"path": "/", "weight": True}, "weight"),
    ({"path": "/", "body": "a", "json": {}}, "not both"),
    ({"path": "/", "body": 3}, "body must be a string"),
    ({"path": "/", "headers": {"A": 1}}, "headers"),
    ({"path": "/", "pth": "/x"}, "unknown key"),
]


@pytest.mark.parametrize(("entry", "expected"), ACCEPTED)
def test_config_entries_accepted(entry: dict[str, Any], expected: tuple[Any, ...]) -> None:
    r = scenario.from_entry(entry, 1)
    assert (r.method, r.path, r.weight, r.body, r.json) == expected


@pytest.mark.parametrize(("entry", "says"), REFUSED)
def test_config_entries_refused_with_the_entry_named(entry: dict[str, Any], says: str) -> None:
    with pytest.raises(LockgateError) as caught:
        scenario.from_entry(entry, 2)
    assert says in caught.value.message
    assert caught.value.where is not None and "entry 2" in caught.value.where


def test_sources_in_order_config_then_openapi_then_locustfile(tmp_path: Path) -> None:
    (tmp_path / "locustfile.py").write_text("from locust import HttpUser\n")
    assert (s := scenario.choose(tmp_path, [], "", "locustfile.py")) is not None
    assert s.source is ScenarioSource.LOCUSTFILE
    (tmp_path / "openapi.json").write_bytes(
        (EXAMPLES / "tenancy-api" / "openapi.json").read_bytes()
    )
    assert (s := scenario.choose(tmp_path, [], "", "locustfile.py")) is not None
    assert s.source is ScenarioSource.OPENAPI
    assert (s := scenario.choose(tmp_path, [{"path": "/"}], "", "locustfile.py")) is not None
    assert s.source is ScenarioSource.CONFIG


def test_no_source_is_none(tmp_path: Path) -> None:
    assert scenario.choose(tmp_path, [], "", "locustfile.py") is None


def test_a_locustfile_that_does_not_compile_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "locustfile.py").write_text("from locust import HttpUser\n\ndef broken(:\n")
    with pytest.raises(LockgateError) as caught:
        scenario.choose(tmp_path, [], "", "locustfile.py")
    assert caught.value.where == "locustfile.py:3"


def test_openapi_every_get_endpoint_with_example_parameters(tmp_path: Path) -> None:
    doc = EXAMPLES / "tenancy-api" / "openapi.json"
    found, skipped = openapi.requests(doc, doc.parent)
    assert sorted(r.path for r in found) == [
        "/api/v1/healthcheck/ping",
        "/api/v1/tenancies/TN000101",
        "/api/v1/tenancies/TN000101/rent-account",
    ]
    assert all(r.method is Method.GET for r in found) and skipped == ()


def _doc(tmp_path: Path, paths: dict[str, Any], **extra: Any) -> Path:
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps({"openapi": "3.1.0", "paths": paths, **extra}))
    return path


def test_openapi_parameters_examples_refs_and_prefix(tmp_path: Path) -> None:
    doc = _doc(
        tmp_path,
        {
            "/items/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "get": {
                    "parameters": [
                        {"name": "q", "in": "query", "required": True, "schema": {"enum": ["a b"]}},
                        {"name": "page", "in": "query", "schema": {"example": 2}},
                    ]
                },
                "post": {},
            },
            "/users/{name}": {"get": {"parameters": [{"name": "name", "in": "path"}]}},
            "/v": {
                "get": {
                    "parameters": [
                        {
                            "name": "x",
                            "in": "query",
                            "required": True,
                            "examples": {"one": {"value": 7}},
                        }
                    ]
                }
            },
        },
        servers=[{"url": "/base/"}],
        components={"parameters": {"Id": {"name": "id", "in": "path", "example": "A/1"}}},
    )
    found, skipped = openapi.requests(doc, tmp_path)
    assert [r.path for r in found] == ["/base/items/A%2F1?q=a+b", "/base/v?x=7"]
    assert [u.what for u in skipped] == ["GET /users/{name}"]
    assert "no example value for the path parameter 'name'" in skipped[0].reason


def test_openapi_absolute_server_url_is_not_followed(tmp_path: Path) -> None:
    doc = _doc(tmp_path, {"/": {"get": {}}}, servers=[{"url": "https://prod.example.org/api"}])
    found, _ = openapi.requests(doc, tmp_path)
    assert [r.path for r in found] == ["/"]


BROKEN: list[tuple[str, str, str, str]] = [
    ("openapi.json", '{"openapi": "3.0.0",\n "paths": {,}}', "not valid JSON", "openapi.json:2"),
    ("openapi.yaml", "openapi: 3.0.0\npaths:\n  /a: [\n", "not valid YAML", "openapi.yaml:"),
    ("openapi.json", '{"paths": {}}', "not an OpenAPI document", "openapi.json"),
    ("openapi.json", '{"openapi": "3.0.0"}', "no `paths`", "openapi.json"),
    (
        "openapi.json",
        '{"openapi": "3.0.0", "paths": {"/a": {"post": {}}}}',
        "no GET endpoint",
        "openapi.json",
    ),
    ("openapi.json", "[1, 2]", "not an OpenAPI document", "openapi.json"),
]


@pytest.mark.parametrize(("name", "text", "says", "where"), BROKEN)
def test_broken_openapi_document_is_a_clear_error(
    tmp_path: Path, name: str, text: str, says: str, where: str
) -> None:
    (tmp_path / name).write_text(text)
    with pytest.raises(LockgateError) as caught:
        scenario.choose(tmp_path, [], "", "locustfile.py")
    assert says in caught.value.message
    assert caught.value.where is not None and caught.value.where.startswith(where)


def test_configured_openapi_document_must_exist(tmp_path: Path) -> None:
    with pytest.raises(LockgateError, match="does not exist"):
        scenario.choose(tmp_path, [], "docs/api.json", "locustfile.py")

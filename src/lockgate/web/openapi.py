"""The JSON API described in OpenAPI 3.1 (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

_WINDOW_PARAMS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": text,
        "schema": {"type": "string"},
    }
    for name, text in (
        ("since", "first day (YYYY-MM-DD) or ISO 8601 time; default: 90 days before until"),
        ("until", "last day (included) or ISO 8601 time; default: now"),
    )
]


def _write(what: str, kind: str) -> dict[str, Any]:
    return {
        "summary": f"Record {what} (team mode; needs the bearer token)",
        "description": f"One JSON object with the columns of `lockgate import {kind}` "
        "(see the README); `service` is required. An Idempotency-Key header makes a resent "
        "delivery a no-op.",
        "security": [{"bearer": []}],
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
            }
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        "responses": {
            "201": {"description": "recorded: {id}"},
            "200": {"description": "already recorded: {duplicate: true}"},
            "400": {"description": "a bad body: {error, fix}"},
            "401": {"description": "no or a wrong bearer token"},
            "403": {"description": "the server takes no writes (no LOCKGATE_TOKEN)"},
        },
    }


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "lockgate delivery dashboard API",
        "version": "1",
        "description": "DORA's four keys per service from lockgate's store; team mode "
        "takes runs, deployments and incidents with a bearer token.",
    },
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "paths": {
        "/api/v1/services": {
            "get": {
                "summary": "Every service with deployments or incidents in the store",
                "responses": {
                    "200": {
                        "description": "service names",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "services": {"type": "array", "items": {"type": "string"}}
                                    },
                                }
                            }
                        },
                    }
                },
            }
        },
        "/api/v1/metrics": {
            "get": {
                "summary": "The four keys (document lockgate-metrics/1, as `lockgate metrics --json`)",
                "parameters": [
                    {
                        "name": "service",
                        "in": "query",
                        "required": False,
                        "description": "one service (default: all)",
                        "schema": {"type": "string"},
                    },
                    *_WINDOW_PARAMS,
                ],
                "responses": {
                    "200": {
                        "description": "the lockgate-metrics/1 document (see the README)",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "400": {"description": "a bad since/until"},
                    "404": {"description": "no such service"},
                },
            }
        },
        "/api/v1/runs": {
            "post": {
                "summary": "Record a finished run (team mode; needs the bearer token)",
                "description": "The run's results.json as `lockgate run` writes it, with "
                "`run.project_key` when known. The run id is the idempotency key.",
                "security": [{"bearer": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {
                    "201": {"description": "recorded: {id}"},
                    "200": {"description": "already recorded: {duplicate: true}"},
                    "400": {"description": "not a finished run's results.json: {error, fix}"},
                    "401": {"description": "no or a wrong bearer token"},
                    "403": {"description": "the server takes no writes (no LOCKGATE_TOKEN)"},
                    "409": {"description": "the run id is stored for another project"},
                    "413": {"description": "the body is too large"},
                },
            }
        },
        "/api/v1/deployments": {
            "post": _write("a production (or other) deployment", "deployments")
        },
        "/api/v1/incidents": {"post": _write("an incident", "incidents")},
        "/api/v1/runs/{run_id}": {
            "get": {
                "summary": "One run (document lockgate-run/1): stages, findings, tests, downloads",
                "description": "The data of the run page: each stage with its status, duration, "
                "cache hit and metrics; the findings (worst first, at most 1000) kept by the "
                "filters; the test cases, failures first; the report files this server has.",
                "parameters": [
                    {
                        "name": "run_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "stage",
                        "in": "query",
                        "required": False,
                        "description": "only the findings of this stage (default: all)",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "severity",
                        "in": "query",
                        "required": False,
                        "description": "only the findings of this severity (default: all)",
                        "schema": {
                            "type": "string",
                            "enum": ["critical", "high", "medium", "low", "info"],
                        },
                    },
                ],
                "responses": {
                    "200": {
                        "description": "the lockgate-run/1 document",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "400": {"description": "an unknown stage or severity: {error}"},
                    "404": {"description": "no such run: {error}"},
                },
            }
        },
        "/metrics": {
            "get": {
                "summary": "The four keys per service in the Prometheus text format",
                "responses": {"200": {"description": "text/plain; version=0.0.4"}},
            }
        },
    },
}

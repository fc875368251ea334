"""The write API of team mode: CI jobs report deployments and incidents with a bearer token.

POST /api/v1/deployments and /api/v1/incidents take one JSON object with the columns of the
import files (`service` required). Writes need `Authorization: Bearer <LOCKGATE_TOKEN>`, compared
in constant time; with no token configured the server takes no writes at all. An
`Idempotency-Key` header (else the record's own id, else its service, environment, commit and
time) makes a resent delivery a no-op: 200 with "duplicate": true instead of 201.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from lockgate.errors import LockgateError
from lockgate.metrics.imports import (
    DEPLOYMENT_COLUMNS,
    INCIDENT_COLUMNS,
    deployment_from,
    incident_from,
)
from lockgate.metrics.records import Column, Row, check_columns
from lockgate.store.repository import Store

MAX_BODY = 64 * 1024


class Ingest:
    def __init__(self, store: Callable[[], Store], token: str | None) -> None:
        self._store = store
        self._token = token.encode() if token else None

    def _refused(self, request: Request) -> JSONResponse | None:
        if self._token is None:
            return JSONResponse(
                {"error": "this server takes no writes: start it with LOCKGATE_TOKEN set"},
                status_code=403,
            )
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            value.strip().encode(), self._token
        ):
            return JSONResponse(
                {"error": "a valid bearer token is needed (Authorization: Bearer TOKEN)"},
                status_code=401,
                headers={"www-authenticate": "Bearer"},
            )
        return None

    async def _row(self, request: Request, columns: tuple[Column, ...]) -> Row | JSONResponse:
        body = await request.body()
        if len(body) > MAX_BODY:
            return _bad(f"the body is larger than {MAX_BODY} bytes")
        try:
            data = json.loads(body)
        except ValueError as exc:
            return _bad(f"not valid JSON: {exc}")
        if not isinstance(data, dict):
            return _bad("expected one JSON object")
        if any(isinstance(v, bool | dict | list) for v in data.values()):
            return _bad("every value must be a string or a number")
        values = {
            str(k): str(v).strip() for k, v in data.items() if v is not None and str(v).strip()
        }
        key = request.headers.get("idempotency-key", "").strip()
        if key:
            values["id"] = key[:200]
        row = Row("request body", values)
        try:
            check_columns(row, columns)
        except LockgateError as exc:
            return _bad(exc.message, exc.hint)
        if not row.get("service"):
            return _bad("'service' is missing", "name the service the record belongs to")
        return row

    async def deployments(self, request: Request) -> JSONResponse:
        refused = self._refused(request)
        if refused is not None:
            return refused
        row = await self._row(request, DEPLOYMENT_COLUMNS)
        if isinstance(row, JSONResponse):
            return row
        return await run_in_threadpool(self._add_deployment, row)

    def _add_deployment(self, row: Row) -> JSONResponse:
        try:
            dep, key = deployment_from(row, "", source="api")
        except LockgateError as exc:
            return _bad(exc.message, exc.hint)
        dep_id = self._store().import_deployment(dep, key)
        return _written(dep_id)

    async def incidents(self, request: Request) -> JSONResponse:
        refused = self._refused(request)
        if refused is not None:
            return refused
        row = await self._row(request, INCIDENT_COLUMNS)
        if isinstance(row, JSONResponse):
            return row
        return await run_in_threadpool(self._add_incident, row)

    def _add_incident(self, row: Row) -> JSONResponse:
        store = self._store()
        try:
            inc, key = incident_from(store, row, "", store.services(), source="api")
        except LockgateError as exc:
            return _bad(exc.message, exc.hint)
        return _written(store.import_incident(inc, key))


def _bad(message: str, hint: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if hint:
        body["fix"] = hint
    return JSONResponse(body, status_code=400)


def _written(new_id: int | None) -> JSONResponse:
    if new_id is None:
        return JSONResponse({"duplicate": True}, status_code=200)
    return JSONResponse({"id": new_id}, status_code=201)

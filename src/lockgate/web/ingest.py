"""The write API of team mode: CI jobs report runs, deployments and incidents with a bearer token.

POST /api/v1/deployments and /api/v1/incidents take one JSON object with the columns of the
import files (`service` required). Writes need `Authorization: Bearer <LOCKGATE_TOKEN>`, compared
in constant time; with no token configured the server takes no writes at all. An
`Idempotency-Key` header (else the record's own id, else its service, environment, commit and
time) makes a resent delivery a no-op: 200 with "duplicate": true instead of 201, also when two
deliveries of one record race each other.

POST /api/v1/runs takes a run's results.json (as `lockgate run` writes it, plus `run.project_key`
when known); the run's id is its idempotency key: the same run again is a duplicate, another
project's run under that id a conflict (409).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from dataclasses import replace
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
from lockgate.model import RunStatus
from lockgate.store.database import Conflict
from lockgate.store.repository import Store

MAX_BODY = 64 * 1024
MAX_RUN_BODY = 32 * 1024 * 1024  # a run's results.json: every finding and test case of the run


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
        body = await _body(request, MAX_BODY)
        if isinstance(body, JSONResponse):
            return body
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
        try:
            dep_id = self._store().import_deployment(dep, key)
        except Conflict:  # the same key stored meanwhile by a concurrent delivery
            dep_id = None
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
        try:
            return _written(store.import_incident(inc, key))
        except Conflict:  # the same key stored meanwhile by a concurrent delivery
            return _written(None)

    async def runs(self, request: Request) -> JSONResponse:
        refused = self._refused(request)
        if refused is not None:
            return refused
        body = await _body(request, MAX_RUN_BODY)
        if isinstance(body, JSONResponse):
            return body
        return await run_in_threadpool(self._add_run, body)

    def _add_run(self, body: bytes) -> JSONResponse:
        # imported here: run_from_json validates with jsonschema, slow to import
        from lockgate.reports.jsonreport import run_from_json

        try:
            text = body.decode("utf-8")
            run = run_from_json(text, source="request body")
        except UnicodeDecodeError:
            return _bad("the body is not UTF-8")
        except LockgateError as exc:
            return _bad(exc.message, exc.hint)
        if run.status is RunStatus.RUNNING or run.finished is None:
            return _bad("the run has not finished", "report a run once `lockgate run` has ended")
        run = replace(run, project_key=_project_key(text))
        store = self._store()
        try:
            store.save_run(run)
        except Conflict:  # a run with this id is stored: this one again, or another project's
            stored = store.get_run(run.id)
            if (stored.project, stored.project_key) != (run.project, run.project_key):
                return JSONResponse(
                    {"error": f"run id {run.id!r} is already stored for another project"},
                    status_code=409,
                )
            return _written(None)
        return JSONResponse({"id": run.id}, status_code=201)


async def _body(request: Request, limit: int) -> bytes | JSONResponse:
    """The request body, refused (413) past `limit` bytes without reading the rest."""
    too_big = JSONResponse({"error": f"the body is larger than {limit} bytes"}, status_code=413)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return too_big
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return too_big
        chunks.append(chunk)
    return b"".join(chunks)


def _project_key(text: str) -> str | None:
    """`run.project_key` of a results.json (the stable project identity), when it has one."""
    key = json.loads(text).get("run", {}).get("project_key")
    return key if isinstance(key, str) and key.strip() else None


def _bad(message: str, hint: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if hint:
        body["fix"] = hint
    return JSONResponse(body, status_code=400)


def _written(new_id: int | None) -> JSONResponse:
    if new_id is None:
        return JSONResponse({"duplicate": True}, status_code=200)
    return JSONResponse({"id": new_id}, status_code=201)

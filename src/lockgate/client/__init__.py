"""Team mode's client: send runs and deployments to a lockgate server's ingest API.

`lockgate run|deploy --report-to URL` (or `[server] url`) keeps each record in the outbox first,
then POSTs it with the bearer token from $LOCKGATE_TOKEN and its idempotency key; `lockgate sync`
sends what is still kept. Nothing here changes a run's or a deployment's own exit code: the
outcome is one line saying what happened and what to do. Standard library only (urllib).
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lockgate.client.http import Answer, Unreachable, post
from lockgate.client.outbox import FOLDER, REFUSED, Outbox, Record
from lockgate.client.server import TOKEN_ENV, in_clear, server_url

DEFAULT_TIMEOUT = 10.0
_RETRY = frozenset({408, 425, 429})  # with every 5xx: the server may take it later
_WRONG_PLACE = frozenset({404, 405})  # no ingest API at that URL


class Delivery(enum.StrEnum):
    SENT = "sent"
    DUPLICATE = "duplicate"  # the server had it already
    KEPT = "kept"  # unreachable or busy: in the outbox for `lockgate sync`
    NOT_ACCEPTED = "not_accepted"  # wrong or missing token, wrong URL: kept, the user must act
    REFUSED = "refused"  # the server says the record is malformed: set aside


@dataclass(frozen=True)
class Outcome:
    delivery: Delivery
    record: Record
    message: str  # one line for people; "warning: ..." / "error: ..." when it needs attention

    @property
    def delivered(self) -> bool:
        return self.delivery in (Delivery.SENT, Delivery.DUPLICATE)


def token() -> str:
    return os.environ.get(TOKEN_ENV, "").strip()


def configured_server(root: Path) -> str | None:
    """`[server] url` of the project's config, if set."""
    from lockgate.config.loader import load_config

    url = load_config(root).sections.get("server", {}).get("url")
    return server_url(url) if url else None


def unsent_note(server: str, *, explicit: bool) -> str | None:
    """Why a record is not even tried: a server from the config (not --report-to) and no token,
    as on a developer's machine of a team project; None when it should be sent."""
    if explicit or token():
        return None
    return f"note: not reported to {server}: ${TOKEN_ENV} is not set (set it to report)"


def report(
    root: Path, record: Record, *, timeout: float = DEFAULT_TIMEOUT, bearer: str | None = None
) -> Outcome:
    """Keep `record` in the project's outbox, then send it; sent records leave the outbox."""
    outbox = Outbox(root)
    bearer = bearer if bearer is not None else token()
    try:
        kept = outbox.keep(record)
    except OSError as exc:  # sent once all the same; lost only if that fails too
        sent = deliver(outbox, record, bearer, timeout)
        if sent.delivered:
            return sent
        why = exc.strerror or str(exc)
        return Outcome(
            sent.delivery,
            record,
            f"error: {record.label} not reported, and not kept: cannot write {FOLDER}/ ({why})",
        )
    return deliver(outbox, kept, bearer, timeout)


def sync(
    root: Path, *, server: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> tuple[list[Outcome], list[str]]:
    """Send every kept record (to `server` when given, else to the server it was meant for)."""
    outbox = Outbox(root)
    records, problems = outbox.records()
    bearer = token()
    outcomes = []
    for record in records:
        if server is not None and server != record.server:
            record = outbox.keep(_retarget(record, server))
        outcomes.append(deliver(outbox, record, bearer, timeout))
    return outcomes, problems


def deliver(outbox: Outbox, record: Record, bearer: str, timeout: float) -> Outcome:
    where = record.server
    if not bearer:
        return Outcome(
            Delivery.NOT_ACCEPTED,
            record,
            f"error: {record.label} not reported: ${TOKEN_ENV} is not set; kept in {FOLDER}/"
            f" — set {TOKEN_ENV} to the server's token, then run `lockgate sync`",
        )
    body = _encode(record)
    try:
        answer = post(
            where + record.kind.endpoint, body, token=bearer, key=record.key, timeout=timeout
        )
    except Unreachable as exc:
        return _kept(record, f"cannot reach {where} ({exc.reason})")
    return _answered(outbox, record, answer)


def warnings_for(server: str) -> Iterable[str]:
    if in_clear(server):
        yield (
            f"warning: {server} is plain http: the token and the records cross the network "
            "unencrypted; use https"
        )


def _answered(outbox: Outbox, record: Record, answer: Answer) -> Outcome:
    status, where = answer.status, record.server
    if 200 <= status < 300:
        outbox.remove(record)
        if answer.body.get("duplicate"):
            return Outcome(Delivery.DUPLICATE, record, f"{record.label} was already on {where}")
        return Outcome(Delivery.SENT, record, f"reported {record.label} to {where}")
    if status in (401, 403):
        return Outcome(
            Delivery.NOT_ACCEPTED,
            record,
            f"error: {where} refused the token ({status}{_said(answer)}); {record.label} kept in "
            f"{FOLDER}/ — set {TOKEN_ENV} to the token `lockgate serve` runs with, then run "
            "`lockgate sync`",
        )
    if 300 <= status < 400 or status in _WRONG_PLACE:
        moved = f" to {answer.location}" if answer.location else ""
        why = f"redirects{moved}" if status < 400 else f"has no lockgate ingest API ({status})"
        return Outcome(
            Delivery.NOT_ACCEPTED,
            record,
            f"error: {where} {why}; {record.label} kept in {FOLDER}/ — give the server's base "
            "URL (--report-to or [server] url), then run `lockgate sync --report-to URL`",
        )
    if status >= 500 or status in _RETRY:
        return _kept(record, f"{where} answered {status}{_said(answer)}")
    reason = f"{where} rejected {record.label} ({status}{_said(answer)})"
    aside = outbox.refuse(record, reason)
    place = f"set aside in {FOLDER / REFUSED}/" if aside else "not kept"
    return Outcome(Delivery.REFUSED, record, f"error: {reason}; {place}")


def _kept(record: Record, why: str) -> Outcome:
    return Outcome(
        Delivery.KEPT,
        record,
        f"warning: {record.label} not reported: {why}; kept in {FOLDER}/ — send it later with "
        "`lockgate sync`",
    )


def _said(answer: Answer) -> str:
    error = answer.body.get("error")
    if not isinstance(error, str) or not error:
        return ""
    shown = "".join(c if c.isprintable() else "?" for c in " ".join(error.split()))
    return ": " + shown[:300]


def _encode(record: Record) -> bytes:
    import json

    return json.dumps(record.body, ensure_ascii=False, allow_nan=False).encode("utf-8")


def _retarget(record: Record, server: str) -> Record:
    return Record(record.kind, record.key, server, record.label, record.body, record.file)


__all__ = [
    "DEFAULT_TIMEOUT",
    "TOKEN_ENV",
    "Delivery",
    "Outcome",
    "configured_server",
    "deliver",
    "report",
    "server_url",
    "sync",
    "token",
    "unsent_note",
    "warnings_for",
]

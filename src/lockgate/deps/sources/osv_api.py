"""The OSV service (`/v1/querybatch`, then `/v1/vulns/<id>`): short timeouts, fails fast and says so."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

from lockgate.deps import osv
from lockgate.deps.model import Advisory, Dependency, SourceAnswer
from lockgate.deps.sources import DEFAULT_URL

_BATCH = 1000


class SourceUnreachable(Exception):
    pass


class OsvApiSource:
    name = "osv"

    def __init__(self, url: str = DEFAULT_URL, timeout: float = 5.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def state(self) -> str:
        # A live service has no digestible state: the stage does not cache results from it.
        return f"live:{self.url}"

    def query(self, dependencies: Sequence[Dependency]) -> SourceAnswer:
        bad: list[str] = []
        try:
            ids = self._batch_ids(dependencies)
            details = {
                vid: self._vuln(vid, bad) for vid in sorted({i for v in ids.values() for i in v})
            }
        except SourceUnreachable as exc:
            return SourceAnswer(self.name, error=f"OSV service at {self.url} did not answer: {exc}")
        found: dict[tuple[str, str], tuple[Advisory, ...]] = {}
        for dep in dependencies:
            advisories = (details.get(i) for i in ids.get(_key(dep), ()))
            found[_key(dep)] = tuple(a for a in advisories if a is not None)
        return SourceAnswer(
            self.name, advisories=found, covered=frozenset(osv.KNOWN), bad_records=tuple(bad)
        )

    def _batch_ids(self, deps: Sequence[Dependency]) -> dict[tuple[str, str], list[str]]:
        ids: dict[tuple[str, str], list[str]] = {}
        for start in range(0, len(deps), _BATCH):
            chunk = deps[start : start + _BATCH]
            queries = [
                {"package": {"ecosystem": d.ecosystem.value, "name": d.name}, "version": d.version}
                for d in chunk
            ]
            answer = self._call("/v1/querybatch", {"queries": queries})
            results = answer.get("results") if isinstance(answer, dict) else None
            if not isinstance(results, list) or len(results) != len(chunk):
                raise SourceUnreachable("querybatch answered with an unexpected shape")
            for dep, result in zip(chunk, results, strict=True):
                vulns = result.get("vulns") if isinstance(result, dict) else None
                found = [v["id"] for v in vulns or () if isinstance(v, dict) and "id" in v]
                ids.setdefault(_key(dep), []).extend(str(i) for i in found)
        return ids

    def _vuln(self, vid: str, bad: list[str]) -> Advisory | None:
        """The advisory, or None (withdrawn; or malformed, then named in `bad`)."""
        record = self._call(f"/v1/vulns/{urllib.parse.quote(vid)}", None)
        try:
            if not isinstance(record, dict):
                raise osv.MalformedRecord("not a JSON object")
            return osv.to_advisory(record)
        except osv.MalformedRecord as exc:
            bad.append(f"{vid}: {exc}")
            return None

    def _call(self, path: str, body: dict[str, Any] | None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method="POST" if data else "GET",
            headers={"Content-Type": "application/json", "User-Agent": "lockgate"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise SourceUnreachable(str(getattr(exc, "reason", exc))) from exc


def _key(dep: Dependency) -> tuple[str, str]:
    return dep.key[0].value, dep.key[1]

"""OSV records → Advisory values, and matching dependencies against them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lockgate.deps import versions
from lockgate.deps.model import (
    Advisory,
    AffectedPackage,
    Dependency,
    Ecosystem,
    Match,
    normalise_name,
)
from lockgate.deps.severity import advisory_severity
from lockgate.sast.engine import cwe_tags

KNOWN = {e.value for e in Ecosystem}
_EVENTS = {"introduced", "fixed", "last_affected", "limit"}


class MalformedRecord(ValueError):
    """An OSV record whose shape does not follow the schema (a field of the wrong type)."""


def to_advisory(record: Mapping[str, Any]) -> Advisory | None:
    """None for withdrawn records; MalformedRecord for a record of the wrong shape."""
    if not isinstance(record.get("id"), str) or not record["id"]:
        raise MalformedRecord("no `id` string")
    if record.get("withdrawn"):
        return None
    affected = tuple(_affected(a) for a in _list(record, "affected"))
    refs = [r for r in _list(record, "references") if isinstance(r, dict)]
    urls = [str(r["url"]) for r in refs if isinstance(r.get("url"), str)]
    advisory_urls = [str(r["url"]) for r in refs if r.get("type") == "ADVISORY" and r.get("url")]
    aliases = _list(record, "aliases")
    if not all(isinstance(a, str) for a in aliases):
        raise MalformedRecord("`aliases` holds something other than strings")
    specific = record.get("database_specific")
    cwe_ids = specific.get("cwe_ids") if isinstance(specific, dict) else None
    level, source = advisory_severity(dict(record))
    return Advisory(
        id=record["id"],
        aliases=tuple(aliases),
        summary=str(record.get("summary") or record.get("details") or "")[:300].strip(),
        severity=level,
        severity_source=source,
        modified=str(record.get("modified") or ""),
        affected=tuple(a for a in affected if a is not None),
        url=next(iter(advisory_urls or urls), None),
        cwes=cwe_tags([str(c) for c in cwe_ids] if isinstance(cwe_ids, list) else []),
    )


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedRecord(f"`{key}` is not a list")
    return value


def _affected(entry: Any) -> AffectedPackage | None:
    """One `affected` entry; None for one without a package (a GIT-only range: not matchable)."""
    if not isinstance(entry, dict):
        raise MalformedRecord("an `affected` entry is not an object")
    package = entry.get("package")
    if package is None:
        return None
    if not isinstance(package, dict) or not isinstance(package.get("name"), str):
        raise MalformedRecord("an `affected` package has no `name` string")
    if not isinstance(package.get("ecosystem"), str):
        raise MalformedRecord("an `affected` package has no `ecosystem` string")
    return AffectedPackage(
        ecosystem=package["ecosystem"].split(":")[0],
        name=package["name"],
        ranges=tuple(_range(r) for r in _list(entry, "ranges")),
        versions=tuple(str(v) for v in _list(entry, "versions")),
    )


def _range(rng: Any) -> dict[str, Any]:
    if not isinstance(rng, dict) or not isinstance(rng.get("events", []), list):
        raise MalformedRecord("a range is not an object with an `events` list")
    events = []
    for event in rng.get("events", []):
        if not isinstance(event, dict) or len(event) != 1 or not set(event) <= _EVENTS:
            raise MalformedRecord(
                "a range event is not one of introduced/fixed/last_affected/limit"
            )
        ((kind, value),) = event.items()
        events.append({kind: str(value)})
    return {"type": str(rng.get("type", "")), "events": events}


def keys_of(advisory: Advisory) -> set[tuple[str, str]]:
    """(ecosystem, normalised name) of every package the advisory names, in known ecosystems."""
    return {
        (a.ecosystem, normalise_name(Ecosystem(a.ecosystem), a.name))
        for a in advisory.affected
        if a.ecosystem in KNOWN
    }


def match(dep: Dependency, candidates: Iterable[Advisory]) -> tuple[list[Match], str | None]:
    """Advisories that affect this exact version, and an error when the version is not comparable."""
    found: list[Match] = []
    for adv in candidates:
        mine = [
            a
            for a in adv.affected
            if a.ecosystem == dep.ecosystem.value
            and normalise_name(dep.ecosystem, a.name) == dep.key[1]
        ]
        try:
            hits = [
                a
                for a in mine
                if versions.is_affected(dep.ecosystem, dep.version, a.ranges, a.versions)
            ]
        except versions.BadVersion as exc:
            return [], str(exc)
        if hits:
            fixed = [versions.first_fixed(dep.ecosystem, dep.version, a.ranges) for a in hits]
            found.append(Match(dep, adv, _lowest(dep.ecosystem, [f for f in fixed if f])))
    return found, None


def _lowest(ecosystem: Ecosystem, fixes: list[str]) -> str | None:
    from functools import cmp_to_key

    return min(fixes, key=cmp_to_key(versions.COMPARATORS[ecosystem])) if fixes else None

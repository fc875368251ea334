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


def to_advisory(record: Mapping[str, Any]) -> Advisory | None:
    """None for withdrawn records and records without an id."""
    if record.get("withdrawn") or not record.get("id"):
        return None
    level, source = advisory_severity(dict(record))
    affected = tuple(
        AffectedPackage(
            ecosystem=str(a.get("package", {}).get("ecosystem", "")).split(":")[0],
            name=str(a.get("package", {}).get("name", "")),
            ranges=tuple(r for r in a.get("ranges") or () if isinstance(r, dict)),
            versions=tuple(str(v) for v in a.get("versions") or ()),
        )
        for a in record.get("affected") or ()
        if isinstance(a, dict)
    )
    refs = [r.get("url") for r in record.get("references") or () if isinstance(r, dict)]
    advisory_refs = [
        r.get("url")
        for r in record.get("references") or ()
        if isinstance(r, dict) and r.get("type") == "ADVISORY"
    ]
    return Advisory(
        id=str(record["id"]),
        aliases=tuple(str(a) for a in record.get("aliases") or ()),
        summary=str(record.get("summary") or record.get("details") or "")[:300].strip(),
        severity=level,
        severity_source=source,
        modified=str(record.get("modified") or ""),
        affected=affected,
        url=(advisory_refs or refs or [None])[0],
        cwes=cwe_tags((record.get("database_specific") or {}).get("cwe_ids") or []),
    )


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

"""Matches -> findings: one per vulnerability of one package version, whatever the number of ids.

Advisories that name each other through OSV `aliases` (PYSEC-…, GHSA-…, CVE-…) are one
vulnerability and make one finding listing every id; the same package version in several files
(or nested several times in one lock) is one finding at its first place, naming the others. The
fingerprint is the vulnerability (its CVE when it has one, so a second database does not change
it) plus the package and its version: a baseline entry never covers a later vulnerable version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lockgate.deps import versions
from lockgate.deps.model import Advisory, Dependency, Match
from lockgate.model import Finding, Location, fingerprint

TOOL = "lockgate-deps"


def build(matches: Sequence[Match]) -> list[Finding]:
    by_package: dict[tuple[str, str, str], list[Match]] = {}
    for m in matches:
        dep = m.dependency
        by_package.setdefault((dep.ecosystem.value, dep.key[1], dep.version), []).append(m)
    findings = []
    for group in by_package.values():
        for cluster in _clusters(group):
            findings.append(_finding(cluster))
    return sorted(findings, key=lambda f: (f.where, f.rule_id))


def _clusters(matches: list[Match]) -> list[list[Match]]:
    """Matches grouped by vulnerability: advisories connected through their ids and aliases."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in matches:
        for alias in m.advisory.aliases:
            parent[root(alias)] = root(m.advisory.id)
    groups: dict[str, list[Match]] = {}
    for m in matches:
        groups.setdefault(root(m.advisory.id), []).append(m)
    return list(groups.values())


def _preferred(ids: Iterable[str]) -> str:
    """The id shown as the rule: GHSA, then the ecosystem databases, then CVE, then any."""
    order = ("GHSA-", "PYSEC-", "RUSTSEC-", "GO-", "OSV-", "CVE-")
    return min(ids, key=lambda i: (next((n for n, p in enumerate(order) if i.startswith(p)), 9), i))


def _identity(ids: Iterable[str]) -> str:
    """The id the fingerprint stands on: the CVE when there is one (every database names it)."""
    ordered = sorted(ids)
    return next((i for i in ordered if i.startswith("CVE-")), None) or _preferred(ordered)


def _finding(cluster: list[Match]) -> Finding:
    advisories = {m.advisory.id: m.advisory for m in cluster}
    rule = _preferred(advisories)
    main: Advisory = advisories[rule]
    ids = sorted({i for a in advisories.values() for i in (a.id, *a.aliases)} - {rule})
    places = sorted(
        {(m.dependency.source_file, m.dependency.line or 0): m.dependency for m in cluster}.items()
    )
    dep: Dependency = places[0][1]
    direct = any(m.dependency.direct for m in cluster)
    fixed = _highest(dep, [m.fixed for m in cluster if m.fixed])
    severity = max((a.severity for a in advisories.values()), key=lambda s: s.rank)
    others = [f"{p}:{line}" if line else p for (p, line), _ in places[1:]]
    also = (
        f" Also in {', '.join(others[:5])}{' and more' if len(others) > 5 else ''}."
        if others
        else ""
    )
    upgrade = (
        f"Upgrade {dep.name} to {fixed} or later"
        if fixed
        else f"No fix is published: replace {dep.name} or mitigate"
    )
    listed = f" ({', '.join(ids)})" if ids else ""
    state = f"fixed in {fixed}" if fixed else "no fixed version published"
    transitive = (
        "" if direct else " This is a transitive dependency: upgrade the package that pulls it in."
    )
    return Finding(
        stage="deps",
        tool=TOOL,
        rule_id=rule,
        message=f"{dep.name} {dep.version} is affected by {rule}{listed}: "
        f"{main.summary or 'see the advisory'} [installed {dep.version}; {state}]",
        severity=severity,
        fingerprint=fingerprint(
            _identity([rule, *ids]), f"{dep.ecosystem.value}:{dep.key[1]}", dep.version
        ),
        location=Location(dep.source_file, dep.line),
        help_uri=main.url or f"https://osv.dev/vulnerability/{rule}",
        help_text=f"{upgrade} and regenerate {dep.source_file}. Severity from "
        f"{main.severity_source}.{also}{transitive}",
        tags=(
            *ids,
            *sorted({c for a in advisories.values() for c in a.cwes}),
            f"ecosystem:{dep.ecosystem.value}",
            "security",
            "direct" if direct else "transitive",
        ),
    )


def _highest(dep: Dependency, fixes: list[str]) -> str | None:
    """The highest of the first fixed versions the advisories name (it fixes all of them)."""
    best: str | None = None
    for fix in fixes:
        try:
            if best is None or versions.compare(dep.ecosystem, fix, best) > 0:
                best = fix
        except versions.BadVersion:
            best = best or fix
    return best

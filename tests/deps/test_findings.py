"""One vulnerability of one package version is one finding, whatever the ids and the places."""

from __future__ import annotations

from lockgate.deps import findings, osv
from lockgate.deps.model import Dependency, Ecosystem, Match
from lockgate.model import Severity
from tests.deps.osvdb import record


def adv(vid: str, aliases: tuple[str, ...], fixed: str, severity: str = "MODERATE") -> osv.Advisory:
    rec = record(vid, [("PyPI", "jinja2")], fixed=fixed, aliases=aliases)
    rec["database_specific"] = {"severity": severity}
    advisory = osv.to_advisory(rec)
    assert advisory is not None
    return advisory


def dep(version: str, where: str, line: int, direct: bool = True) -> Dependency:
    return Dependency(Ecosystem.PYPI, "Jinja2", version, where, line, direct)


PYSEC = adv("PYSEC-2019-217", ("CVE-2019-10906", "GHSA-462w-v97r-4m45"), "2.10.1")
GHSA = adv("GHSA-462w-v97r-4m45", ("CVE-2019-10906",), "2.10.1", "HIGH")
OTHER = adv("PYSEC-2021-66", ("CVE-2020-28493",), "2.11.3")


def test_advisories_naming_each_other_are_one_finding_listing_every_id() -> None:
    a, b = dep("2.10", "requirements.txt", 2), dep("2.10", "web/poetry.lock", 40, direct=False)
    result = findings.build(
        [
            Match(a, PYSEC, "2.10.1"),
            Match(a, GHSA, "2.10.1"),
            Match(b, PYSEC, "2.10.1"),
            Match(a, OTHER, "2.11.3"),
        ]
    )
    assert sorted(f.rule_id for f in result) == ["GHSA-462w-v97r-4m45", "PYSEC-2021-66"]
    (one,) = [f for f in result if f.rule_id == "GHSA-462w-v97r-4m45"]
    assert "CVE-2019-10906" in one.message and "PYSEC-2019-217" in one.message
    assert {"CVE-2019-10906", "PYSEC-2019-217"} <= set(one.tags)
    assert one.where == "requirements.txt:2" and "web/poetry.lock:40" in (one.help_text or "")
    assert one.severity is Severity.HIGH and "direct" in one.tags


def test_the_fingerprint_names_the_version_and_not_the_database() -> None:
    old, new = dep("2.10", "requirements.txt", 2), dep("2.9", "requirements.txt", 2)
    (first,) = findings.build([Match(old, PYSEC, "2.10.1")])
    (later,) = findings.build([Match(new, PYSEC, "2.10.1")])
    assert first.fingerprint != later.fingerprint  # a baseline entry does not cover 2.9
    (both,) = findings.build([Match(old, PYSEC, "2.10.1"), Match(old, GHSA, "2.10.1")])
    moved = dep("2.10", "requirements/base.txt", 7)
    (elsewhere,) = findings.build([Match(moved, GHSA, "2.10.1")])
    assert first.fingerprint == both.fingerprint == elsewhere.fingerprint

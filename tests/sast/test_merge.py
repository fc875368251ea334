"""Merging: hits on overlapping lines with the same weakness become one finding naming every
engine; anything else stays apart."""

from __future__ import annotations

import pytest

from lockgate.model import Finding, Location, Severity
from lockgate.sast.merge import engines_of, merge, weakness


def hit(tool: str, rule: str, line: int, cwe: str, sev: Severity = Severity.MEDIUM, end: int = 0):
    return Finding(
        stage="sast",
        tool=tool,
        rule_id=rule,
        message=f"{rule} says so",
        severity=sev,
        fingerprint=f"{tool}-{rule}-{line}",
        location=Location("app.py", line, 1, end or line),
        tags=(cwe, "security") if cwe else ("security",),
    )


SQL_TAINT = hit("semgrep", "lockgate.python.taint.sql-injection", 10, "CWE-89", Severity.HIGH)
SQL_BANDIT = hit("bandit", "bandit.B608", 10, "CWE-89", Severity.MEDIUM)

# (findings, how many remain)
CASES = [
    ([SQL_TAINT, SQL_BANDIT], 1),  # same line, same CWE: one
    ([SQL_BANDIT, hit("semgrep", "x.sql", 9, "CWE-89", end=11)], 1),  # overlapping range
    ([SQL_TAINT, hit("bandit", "bandit.B608", 12, "CWE-89")], 2),  # another line
    ([SQL_TAINT, hit("bandit", "bandit.B105", 10, "CWE-259")], 2),  # another weakness
    ([hit("bandit", "bandit.B602", 4, "CWE-78"), hit("semgrep", "r", 4, "CWE-77")], 1),  # family
    ([hit("bandit", "bandit.B1", 4, ""), hit("semgrep", "r", 4, "")], 2),  # no CWE: kept apart
]


@pytest.mark.parametrize(("findings", "remain"), CASES)
def test_merge_table(findings: list[Finding], remain: int) -> None:
    assert len(merge(findings)) == remain


def test_the_taint_rule_leads_and_every_engine_is_named() -> None:
    (one,) = merge([SQL_BANDIT, SQL_TAINT])
    assert one.rule_id == SQL_TAINT.rule_id and one.fingerprint == SQL_TAINT.fingerprint
    assert engines_of(one) == ("semgrep", "bandit")
    assert "also reported by bandit B608" in one.message
    assert one.severity is Severity.HIGH


def test_the_worst_severity_wins() -> None:
    low = hit("semgrep", "lockgate.python.eval-exec", 3, "CWE-95", Severity.LOW)
    crit = hit("bandit", "bandit.B307", 3, "CWE-95", Severity.CRITICAL)
    (one,) = merge([low, crit])
    assert one.tool == "semgrep" and one.severity is Severity.CRITICAL


def test_weakness_names_the_family() -> None:
    assert weakness(hit("x", "r", 1, "CWE-80")) == "CWE-79"
    assert weakness(hit("x", "r", 1, "")) is None
    assert engines_of(SQL_BANDIT) == ("bandit",)

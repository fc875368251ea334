"""CVSS v3 base scores and the severity level an advisory gets."""

from __future__ import annotations

import pytest

from lockgate.deps.severity import advisory_severity, cvss3_base_score
from lockgate.model import Severity


@pytest.mark.parametrize(
    ("vector", "score"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N", 3.7),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
        ("CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:N", 0.0),
    ],
)
def test_cvss3_base_score(vector: str, score: float) -> None:
    assert cvss3_base_score(vector) == score


def test_non_v3_vectors_are_not_scored() -> None:
    assert (
        cvss3_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N") is None
    )
    assert cvss3_base_score("CVSS:3.1/AV:X") is None


def test_database_label_wins_then_cvss_then_medium() -> None:
    vector = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]
    labelled = {"database_specific": {"severity": "MODERATE"}, "severity": vector}
    assert advisory_severity(labelled)[0] is Severity.MEDIUM
    assert advisory_severity({"severity": vector}) == (Severity.CRITICAL, "CVSS_V3 base score 9.8")
    level, why = advisory_severity({"severity": []})
    assert level is Severity.MEDIUM and "treated as medium" in why

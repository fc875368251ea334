"""An advisory's severity level: the database's own label, else a CVSS v3 vector's base score."""

from __future__ import annotations

import math
from typing import Any

from lockgate.model import Severity

_LABELS = {
    "CRITICAL": Severity.CRITICAL,
    "HIGH": Severity.HIGH,
    "MODERATE": Severity.MEDIUM,
    "MEDIUM": Severity.MEDIUM,
    "LOW": Severity.LOW,
}
_AV = {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}
_AC = {"L": 0.77, "H": 0.44}
_PR_U = {"N": 0.85, "L": 0.62, "H": 0.27}
_PR_C = {"N": 0.85, "L": 0.68, "H": 0.5}
_UI = {"N": 0.85, "R": 0.62}
_CIA = {"H": 0.56, "L": 0.22, "N": 0.0}


def _roundup(value: float) -> float:
    """CVSS v3.1 Roundup: smallest number with one decimal that is >= value."""
    scaled = round(value * 100000)
    return scaled / 100000.0 if scaled % 10000 == 0 else (math.floor(scaled / 10000) + 1) / 10.0


def cvss3_base_score(vector: str) -> float | None:
    """Base score of a `CVSS:3.x/AV:..` vector, None when it is not one."""
    if not vector.startswith("CVSS:3"):
        return None
    try:
        m = dict(part.split(":", 1) for part in vector.split("/")[1:])
        changed = m["S"] == "C"
        pr = (_PR_C if changed else _PR_U)[m["PR"]]
        iss = 1 - (1 - _CIA[m["C"]]) * (1 - _CIA[m["I"]]) * (1 - _CIA[m["A"]])
        exploit = 8.22 * _AV[m["AV"]] * _AC[m["AC"]] * pr * _UI[m["UI"]]
    except (KeyError, ValueError):
        return None
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    if impact <= 0:
        return 0.0
    total = 1.08 * (impact + exploit) if changed else impact + exploit
    return _roundup(min(total, 10.0))


def level_of_score(score: float) -> Severity:
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    return Severity.LOW if score > 0 else Severity.INFO


def advisory_severity(record: dict[str, Any]) -> tuple[Severity, str]:
    """(level, where it came from) for one OSV record."""
    specific = record.get("database_specific")
    label = str(specific.get("severity") or "").upper() if isinstance(specific, dict) else ""
    if label in _LABELS:
        return _LABELS[label], f"database_specific.severity {label}"
    entries = record.get("severity")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        score = cvss3_base_score(str(entry.get("score", "")))
        if score is not None:
            return level_of_score(score), f"{entry.get('type', 'CVSS_V3')} base score {score}"
    return Severity.MEDIUM, "no severity in the record (treated as medium)"

"""GitLab Code Quality report (`artifacts:reports:codequality`): the run's non-security findings.

GitLab reads a JSON array of Code Climate issues: description, check_name, fingerprint,
severity (info, minor, major, critical, blocker) and location.path + location.lines.begin. The
security stages' findings go to GitLab's security reports instead; suppressed findings and
findings without a file (a page of a running service) are left out.
"""

from __future__ import annotations

import json
from typing import Any

from lockgate.model import Finding, FindingState, Run, Severity

SECURITY_STAGES = frozenset({"secrets", "sast", "deps"})
SEVERITY = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
    Severity.INFO: "info",
}


class GitlabCodeQualityReport:
    name = "gitlab-codequality"
    filename = "gl-code-quality-report.json"

    def render(self, run: Run) -> str:
        issues = [
            _issue(f)
            for result in run.results
            if result.stage not in SECURITY_STAGES
            for f in result.findings
            if f.state is not FindingState.SUPPRESSED and f.location is not None
        ]
        return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(finding: Finding) -> dict[str, Any]:
    assert finding.location is not None
    return {
        "type": "issue",
        "check_name": f"{finding.stage}/{finding.tool}/{finding.rule_id}",
        "description": f"{finding.rule_id}: {finding.message}",
        "categories": ["Style"] if finding.stage == "lint" else ["Bug Risk"],
        "fingerprint": finding.fingerprint,
        "severity": SEVERITY[finding.severity],
        "location": {
            "path": finding.location.path,
            "lines": {"begin": finding.location.start_line or 1},
        },
    }

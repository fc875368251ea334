"""GitLab security reports (`artifacts:reports:sast|secret_detection|dependency_scanning`).

One JSON file per security stage, in GitLab's published security report format version 15.0.7:
the sast stage's findings as `gl-sast-report.json`, the secrets stage's as
`gl-secret-detection-report.json`, the deps stage's as `gl-dependency-scanning-report.json`.
Suppressed findings are left out (GitLab would show them as open again); findings in the baseline
stay in, as GitLab tracks known vulnerabilities itself. Secret findings carry lockgate's redacted
message only, scrubbed once more; never the value or a source line.

Mapping: a finding's rule is the vulnerability's name and primary identifier (CVE/GHSA ids typed as
such, scanner rules as `<tool>_rule_id`), its CWE tags and advisory aliases further identifiers,
its fingerprint the seed of a stable UUID. The scan is `success` when the stage ran (whatever it
found) and `failure` when it errored, was skipped or is not in the run; what the stage could not
check is a `warn` message. Secret detection needs a commit: the one a history finding names, else
the run's, else `0000000`, as GitLab's own analyzer writes for a working-tree scan.
"""

from __future__ import annotations

import enum
import json
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, assert_never

from lockgate import __version__
from lockgate.model import Finding, FindingState, Run, Severity, StageResult, Status

SCHEMA_VERSION = "15.0.7"
SCHEMA_URL = (
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
    f"v{SCHEMA_VERSION}/dist/{{kind}}-report-format.json"
)
NO_COMMIT = "0000000"
_IDS = uuid.UUID("5b7a1c4e-2f43-4c51-9a57-1c0c6f0e6a11")  # namespace of the vulnerabilities' UUIDs
_VENDOR = {"name": "lockgate"}
_SEVERITY = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
    Severity.INFO: "Info",
}
_CWE = re.compile(r"CWE-(\d+)\Z")
_ADVISORY = re.compile(r"[A-Z]+-[\w.-]+\Z")  # CVE-…, GHSA-…, PYSEC-…: an advisory id
_HISTORY_COMMIT = re.compile(r" in commit ([0-9a-f]{7,40})\b")
_SURROGATE = re.compile("[\ud800-\udfff]")
_PACKAGE = re.compile(r"(?P<name>\S+) (?P<version>\S+) is affected by ")
_MANAGERS = {  # dependency file name -> GitLab's package_manager
    "poetry.lock": "poetry",
    "uv.lock": "uv",
    "pdm.lock": "pdm",
    "Pipfile": "pipenv",
    "Pipfile.lock": "pipenv",
    "package.json": "npm",
    "package-lock.json": "npm",
    "npm-shrinkwrap.json": "npm",
    "yarn.lock": "yarn",
    "pnpm-lock.yaml": "pnpm",
    "Gemfile": "bundler",
    "Gemfile.lock": "bundler",
    "gems.rb": "bundler",
    "gems.locked": "bundler",
    "setup.py": "setuptools",
    "setup.cfg": "setuptools",
}
_ECOSYSTEM_MANAGERS = {"pypi": "pip", "npm": "npm", "nuget": "nuget", "rubygems": "bundler"}


class Kind(enum.StrEnum):
    SAST = "sast"
    SECRET_DETECTION = "secret_detection"
    DEPENDENCY_SCANNING = "dependency_scanning"

    @property
    def schema_name(self) -> str:
        return self.value.replace("_", "-")


class GitlabSecurityReport:
    """One GitLab security report: the findings of lockgate stage `stage` as GitLab `kind`."""

    def __init__(self, name: str, filename: str, kind: Kind, stage: str) -> None:
        self.name = name  # the ReportFormat port's attributes
        self.filename = filename
        self.kind = kind
        self.stage = stage

    def applies(self, run: Run) -> bool:
        """Whether the run has the stage at all (a job that did not run it writes no report)."""
        return _result(run, self.stage) is not None

    def render(self, run: Run) -> str:
        result = _result(run, self.stage)
        findings = [] if result is None else _reported(result.findings)
        doc: dict[str, Any] = {
            "version": SCHEMA_VERSION,
            "schema": SCHEMA_URL.format(kind=self.kind.schema_name),
            "scan": _scan(run, result, self),
            "vulnerabilities": [_vulnerability(self.kind, run, f) for f in findings],
        }
        if self.kind is Kind.DEPENDENCY_SCANNING:
            doc["dependency_files"] = _dependency_files(findings)
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        return _SURROGATE.sub("\ufffd", text)  # a lone surrogate cannot be written as UTF-8


REPORTS = (
    GitlabSecurityReport("gitlab-sast", "gl-sast-report.json", Kind.SAST, "sast"),
    GitlabSecurityReport(
        "gitlab-secret-detection",
        "gl-secret-detection-report.json",
        Kind.SECRET_DETECTION,
        "secrets",
    ),
    GitlabSecurityReport(
        "gitlab-dependency-scanning",
        "gl-dependency-scanning-report.json",
        Kind.DEPENDENCY_SCANNING,
        "deps",
    ),
)


def _result(run: Run, stage: str) -> StageResult | None:
    return next((r for r in run.results if r.stage == stage), None)


def _reported(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.state is not FindingState.SUPPRESSED]


# --- scan ----------------------------------------------------------------------------------------


def _scan(run: Run, result: StageResult | None, report: GitlabSecurityReport) -> dict[str, Any]:
    tools = ", ".join(tool for tool, _ in result.tool_versions) if result else ""
    scan: dict[str, Any] = {
        "analyzer": {
            "id": "lockgate",
            "name": "lockgate",
            "version": __version__,
            "vendor": _VENDOR,
        },
        "scanner": {
            "id": f"lockgate-{report.stage}",
            "name": f"lockgate {report.stage}" + (f" ({tools})" if tools else ""),
            "version": __version__,
            "vendor": _VENDOR,
        },
        "type": report.kind.value,
        "start_time": _time(run.started),
        "end_time": _time(run.finished or run.started),
        "status": "success" if _scanned(result) else "failure",
    }
    messages = _messages(result, report.stage)
    if messages:
        scan["messages"] = messages
    return scan


def _scanned(result: StageResult | None) -> bool:
    return result is not None and result.status not in (Status.ERROR, Status.SKIPPED)


def _messages(result: StageResult | None, stage: str) -> list[dict[str, str]]:
    if result is None:
        return [{"level": "fatal", "value": f"the {stage} stage was not part of this run"}]
    out = [
        {"level": "info", "value": f"{tool} {version}"} for tool, version in result.tool_versions
    ]
    if not _scanned(result) and result.summary:
        out.append({"level": "fatal", "value": result.summary})
    for item in result.unchecked:
        why = f"{item.what}: {item.count} not checked ({item.reason})"
        out.append({"level": "warn", "value": why + (f"; fix: {item.fix}" if item.fix else "")})
    return out


def _time(moment: datetime) -> str:
    """GitLab's form: UTC, `YYYY-MM-DDTHH:MM:SS` (no fraction, no zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


# --- vulnerabilities -----------------------------------------------------------------------------


def _vulnerability(kind: Kind, run: Run, finding: Finding) -> dict[str, Any]:
    text = _scrubbed if kind is Kind.SECRET_DETECTION else _same
    out: dict[str, Any] = {
        "id": str(uuid.uuid5(_IDS, _SURROGATE.sub("?", f"{kind.value}:{finding.fingerprint}"))),
        "name": text(finding.rule_id)[:255],
        "description": text(finding.message)[:1_000_000],
        "severity": _SEVERITY[finding.severity],
    }
    if finding.help_text:
        out["solution"] = text(finding.help_text)[:7000]
    out["identifiers"] = _identifiers(kind, finding)
    if _web(finding.help_uri):
        out["links"] = [{"url": finding.help_uri}]
    out["location"] = _location(kind, run, finding)
    return out


def _same(text: str) -> str:
    return text


def _scrubbed(text: str) -> str:
    """Second line of defence: anything lockgate's own rules see as a secret becomes [REDACTED]."""
    from lockgate.secrets.redact import scrub

    return scrub(text)


def _web(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("https://", "http://"))


def _identifiers(kind: Kind, finding: Finding) -> list[dict[str, str]]:
    primary = _identifier(finding.rule_id, kind, finding.tool)
    if _web(finding.help_uri):
        primary["url"] = str(finding.help_uri)
    found = [primary]
    for tag in finding.tags:
        cwe = _CWE.match(tag)
        if cwe:
            found.append(
                {
                    "type": "cwe",
                    "name": tag,
                    "value": cwe.group(1),
                    "url": f"https://cwe.mitre.org/data/definitions/{cwe.group(1)}.html",
                }
            )
        elif kind is Kind.DEPENDENCY_SCANNING and _ADVISORY.match(tag) and ":" not in tag:
            found.append(_identifier(tag, kind, finding.tool))
    unique = {(i["type"], i["value"]): i for i in reversed(found)}  # the first of each stays
    return [i for i in found if unique[(i["type"], i["value"])] is i]


def _identifier(rule: str, kind: Kind, tool: str) -> dict[str, str]:
    """CVE and GHSA ids typed as such (GitLab correlates them across scanners); an advisory of
    another database by its prefix; a scanner's rule as `<tool>_rule_id`."""
    if rule.startswith("CVE-"):
        return {"type": "cve", "name": rule, "value": rule}
    if rule.startswith("GHSA-"):
        return {
            "type": "ghsa",
            "name": rule,
            "value": rule,
            "url": f"https://github.com/advisories/{rule}",
        }
    if kind is Kind.DEPENDENCY_SCANNING:
        prefix = rule.split("-", 1)[0].lower() or "osv"
        return {
            "type": prefix,
            "name": rule,
            "value": rule,
            "url": f"https://osv.dev/vulnerability/{rule}",
        }
    kind_of = re.sub(r"[^a-z0-9]+", "_", tool.lower()).strip("_") or "lockgate"
    return {"type": f"{kind_of}_rule_id", "name": rule, "value": rule}


def _location(kind: Kind, run: Run, finding: Finding) -> dict[str, Any]:
    loc = finding.location
    lines: dict[str, Any] = {}
    if loc is not None:
        lines["file"] = loc.path
        if loc.start_line:
            lines["start_line"] = loc.start_line
            lines["end_line"] = max(loc.end_line or loc.start_line, loc.start_line)
    match kind:
        case Kind.SAST:
            return lines
        case Kind.SECRET_DETECTION:
            return lines | {"commit": {"sha": _commit(run, finding)}}
        case Kind.DEPENDENCY_SCANNING:
            name, version = _package(finding)
            dependency: dict[str, Any] = {"package": {"name": name}, "version": version}
            if "direct" in finding.tags or "transitive" in finding.tags:
                dependency["direct"] = "direct" in finding.tags
            return {"file": lines.get("file") or "unknown", "dependency": dependency}
        case _:
            assert_never(kind)


def _commit(run: Run, finding: Finding) -> str:
    """The commit a history finding names, else the commit the run scanned."""
    if "git-history" in finding.tags:
        named = _HISTORY_COMMIT.search(finding.message)
        if named:
            return named.group(1)
    return run.commit or NO_COMMIT


def _package(finding: Finding) -> tuple[str, str]:
    """Package and version of a deps finding (its message starts "NAME VERSION is affected by")."""
    match = _PACKAGE.match(finding.message)
    return (match["name"], match["version"]) if match else ("unknown", "unknown")


def _dependency_files(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """The dependency files the findings are in, each with its vulnerable packages."""
    files: dict[str, dict[str, Any]] = {}
    for finding in findings:
        path = finding.location.path if finding.location else "unknown"
        entry = files.setdefault(
            path,
            {"path": path, "package_manager": _manager(path, finding), "dependencies": []},
        )
        name, version = _package(finding)
        dependency = {"package": {"name": name}, "version": version}
        if dependency not in entry["dependencies"]:
            entry["dependencies"].append(dependency)
    return list(files.values())


def _manager(path: str, finding: Finding) -> str:
    name = path.rsplit("/", 1)[-1]
    if name in _MANAGERS:
        return _MANAGERS[name]
    if "requirements" in name and name.endswith(".txt"):
        return "pip"
    ecosystem = next(
        (t.split(":", 1)[1].lower() for t in finding.tags if t.startswith("ecosystem:")), ""
    )
    return _ECOSYSTEM_MANAGERS.get(ecosystem, ecosystem or "unknown")

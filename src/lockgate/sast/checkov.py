"""checkov adapter: Terraform and Containerfile/Dockerfile misconfigurations, offline."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lockgate.model import Severity
from lockgate.sast.engine import (
    EngineResult,
    FindingSpec,
    dist_version,
    make_finding,
    parse_json_output,
    redact_report,
    redact_text,
)
from lockgate.tools import proc

TOOL = "checkov"
INSTALL_HINT = (
    "run scripts/bootstrap (installs requirements/tool-checkov.txt into .venv-tools/checkov)"
)
POLICY_INDEX = "https://www.checkov.io/5.Policy%20Index/all.html"
# checkov has no CWE in its offline output: the common checks, mapped by hand; the rest is CWE-16.
_CWE = {
    "CKV_AWS_24": "CWE-284",
    "CKV_AWS_25": "CWE-284",
    "CKV_AWS_260": "CWE-284",
    "CKV_AWS_20": "CWE-732",
    "CKV_AWS_57": "CWE-732",
    "CKV2_AWS_6": "CWE-732",
    "CKV_AWS_3": "CWE-311",
    "CKV_AWS_189": "CWE-311",
    "CKV_AWS_16": "CWE-311",
    "CKV_AWS_19": "CWE-311",
    "CKV_AWS_145": "CWE-311",
    "CKV_AWS_17": "CWE-284",
    "CKV_DOCKER_1": "CWE-284",
    "CKV_DOCKER_3": "CWE-250",
    "CKV_DOCKER_8": "CWE-250",
    "CKV_DOCKER_4": "CWE-829",
    "CKV_DOCKER_7": "CWE-1104",
}
_HIGH = {"CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_20", "CKV_AWS_57", "CKV_AWS_17", "CKV_DOCKER_1"}
_LOW = {"CKV_AWS_23", "CKV_DOCKER_2", "CKV2_AWS_62", "CKV2_AWS_61", "CKV_AWS_144", "CKV_AWS_18"}
_ENV = {"BC_SKIP_MAPPING": "TRUE", "CHECKOV_SKIP_DOWNLOAD": "TRUE", "LOG_LEVEL": "ERROR"}


def version() -> str:
    return dist_version(TOOL, "checkov")


def applies(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.endswith(".tf") or is_containerfile(name)


def is_containerfile(name: str) -> bool:
    lowered = name.lower()
    return (
        lowered in {"dockerfile", "containerfile"}
        or lowered.startswith(("dockerfile.", "containerfile."))
        or lowered.endswith(".dockerfile")
    )


def run(
    project: Path, files: Sequence[str], artifacts: Path, timeout: float, skip: Sequence[str]
) -> EngineResult:
    exe = proc.require(TOOL, INSTALL_HINT)
    staging = artifacts / "checkov-input"
    targets = _stage_targets(project, files, staging)
    argv = [
        exe,
        "--framework",
        "terraform,dockerfile",
        "-o",
        "json",  # not --quiet: it also drops the list of files checkov could not parse
        "--compact",
        "--skip-download",
    ]
    if skip:
        argv += ["--skip-check", ",".join(skip)]
    for target in targets:
        argv += ["-f", target]
    back = {str(Path(t).resolve()): rel for t, rel in targets.items()}
    try:
        done = proc.run(argv, cwd=project, timeout=timeout, env=_ENV)
    finally:  # copies of the project's Containerfiles (and whatever they hold) are not kept
        shutil.rmtree(staging, ignore_errors=True)
    ver = version()
    try:
        report = redact_report(parse_json_output(done.stdout))
        (artifacts / "checkov.json").write_text(json.dumps(report, indent=1))
    except ValueError:
        (artifacts / "checkov.json").write_text(redact_text(done.stdout))
        why = "timed out" if done.timed_out else redact_text(done.describe())
        return EngineResult(TOOL, ver, failed=f"checkov did not finish: {why}")
    # checkov exits 1 when checks fail and logs a failed download offline: neither is a failure.
    findings, problems = [], []
    for block in report if isinstance(report, list) else [report]:
        results = block.get("results", {}) if isinstance(block, dict) else {}
        for hit in results.get("failed_checks", []):
            rel = back.get(str(Path(hit.get("file_abs_path", "")).resolve()))
            if rel is not None:
                findings.append(make_finding(project, _spec(hit, rel)))
        for err in results.get("parsing_errors", []) if isinstance(results, dict) else []:
            rel = back.get(str(Path(err).resolve()), str(err))
            problems.append((rel, None, "checkov could not parse this file"))
    return EngineResult(
        TOOL, ver, tuple(findings), tuple(problems), ("checkov.json",), scanned=len(files)
    )


def _stage_targets(project: Path, files: Sequence[str], staging: Path) -> dict[str, str]:
    """Absolute target → project path. Containerfiles are copied as `Dockerfile` so checkov sees them."""
    targets: dict[str, str] = {}
    for i, rel in enumerate(files):
        src = project / rel
        if rel.endswith(".tf"):
            targets[str(src)] = rel
            continue
        dest = staging / str(i) / "Dockerfile"
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            dest.write_text(resolve_from_args(src.read_text(errors="replace")))
        except OSError:
            shutil.copyfile(src, dest)  # unreadable as text: let checkov report it
        targets[str(dest)] = rel
    return targets


_ARG = re.compile(r"^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$", re.IGNORECASE)
_FROM = re.compile(r"^(\s*FROM\s+)(\S+)(.*)$", re.IGNORECASE)


def resolve_from_args(text: str) -> str:
    """FROM lines with their build-arg defaults filled in (`FROM ${BASE_IMAGE}` → the default image),
    as the build itself would; line numbers stay the same."""
    defaults: dict[str, str] = {}
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if m := _ARG.match(line):
            defaults[m.group(1)] = m.group(2).strip("\"'")
        elif m := _FROM.match(line):
            image = re.sub(
                r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
                lambda v: defaults.get(v.group(1), v.group(0)),
                m.group(2),
            )
            lines[i] = m.group(1) + image + m.group(3) + ("\n" if line.endswith("\n") else "")
    return "".join(lines)


def _spec(hit: dict[str, Any], rel: str) -> FindingSpec:
    check_id = str(hit.get("check_id", "CKV_UNKNOWN"))
    start, end = (hit.get("file_line_range") or [None, None])[:2]
    resource = str(hit.get("resource", ""))
    if "/" in resource:  # a staged copy's path: name the project's file instead
        resource = rel + resource.rsplit("/", 1)[1].removeprefix("Dockerfile")
    # A check on a whole resource block or Containerfile ("no HEALTHCHECK") spans every line of it:
    # identify it by the resource, so an unrelated edit in the block does not make it "new".
    whole = rel.endswith(".tf") or resource.endswith(".")
    return FindingSpec(
        tool=TOOL,
        rule_id=check_id,
        message=f"{hit.get('check_name', check_id)} ({resource.rstrip('.')})"
        if resource
        else str(hit.get("check_name", check_id)),
        severity=_severity(check_id, hit.get("severity")),
        path=rel,
        line=start or None,
        end_line=end or None,
        cwe=(_CWE.get(check_id, "CWE-16"),),
        confidence="high",
        help_text=f"{hit.get('check_name', check_id)}. Fix the resource, or skip the check in "
        f"lockgate.toml ([sast] checkov_skip_checks) with a reason.",
        help_uri=hit.get("guideline") or POLICY_INDEX,
        identity=resource if whole and resource else None,
    )


def _severity(check_id: str, given: object) -> Severity:
    if isinstance(given, str) and given.lower() in {s.value for s in Severity}:
        return Severity(given.lower())
    if check_id in _HIGH:
        return Severity.HIGH
    return Severity.LOW if check_id in _LOW else Severity.MEDIUM

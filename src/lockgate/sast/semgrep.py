"""semgrep with lockgate's own rules (package data under sast/rules), never a registry config."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from lockgate.model import Severity
from lockgate.sast.engine import (
    EngineResult,
    FindingSpec,
    cwe_tags,
    dist_version,
    make_finding,
    redact_file,
    run_in_chunks,
)
from lockgate.tools import proc

TOOL = "semgrep"
INSTALL_HINT = (
    "run scripts/bootstrap (installs requirements/tool-semgrep.txt into .venv-tools/semgrep)"
)
RULES_DIR = Path(__file__).parent / "rules"
EXTENSIONS = (".py", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".cs", ".rb", ".tf", ".hcl")
_LEVELS = {"ERROR": Severity.HIGH, "WARNING": Severity.MEDIUM, "INFO": Severity.LOW}


def version() -> str:
    return dist_version(TOOL, "semgrep")


def applies(path: str) -> bool:
    return path.endswith(EXTENSIONS)


@cache
def rule_ids(rules_dir: Path = RULES_DIR) -> tuple[str, ...]:
    """Ids of the rules in a local rules directory (longest first, for suffix matching)."""
    ids = [
        rule["id"]
        for file in sorted(rules_dir.glob("*.y*ml"))
        for rule in (yaml.safe_load(file.read_text()) or {}).get("rules", [])
    ]
    return tuple(sorted(ids, key=len, reverse=True))


def run(
    project: Path, files: Sequence[str], artifacts: Path, timeout: float, extra_rules: Path | None
) -> EngineResult:
    """One semgrep run per chunk of files (one for any normal project), results merged."""
    exe = proc.require(TOOL, INSTALL_HINT)
    configs = [RULES_DIR, *([extra_rules] if extra_rules else [])]
    known = tuple(ids for c in configs for ids in rule_ids(Path(c)))
    ran = run_in_chunks(
        TOOL,
        lambda chunk, stem: [*_argv(exe, configs, artifacts / f"{stem}.sarif"), "--", *chunk],
        files,
        cwd=project,
        artifacts=artifacts,
        timeout=timeout,
        env={"SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"},
    )
    if ran.failed:
        return EngineResult(TOOL, version(), failed=ran.failed)
    sarifs = tuple(a.replace(".json", ".sarif") for a in ran.artifacts)
    sarifs = tuple(s for s in sarifs if (artifacts / s).exists())
    for sarif in sarifs:
        redact_file(artifacts / sarif)
    arts = ran.artifacts + sarifs
    results, errors = ran.results, ran.errors
    findings = tuple(make_finding(project, _spec(hit, known)) for hit in results)
    problems = tuple(_problem(err) for err in errors)
    return EngineResult(TOOL, version(), findings, problems, tuple(arts), scanned=len(files))


def _argv(exe: str, configs: Sequence[Path], sarif: Path) -> list[str]:
    argv = [
        exe,
        "scan",
        "--json",
        "--sarif-output",
        str(sarif),
        "--quiet",
        "--metrics",
        "off",
        "--disable-version-check",
        "--timeout",
        "30",
        "--timeout-threshold",
        "3",
        "--max-target-bytes",
        "0",
        "--jobs",
        "2",
    ]
    for config in configs:
        argv += ["--config", str(config)]
    return argv


def _spec(hit: dict[str, Any], known: tuple[str, ...]) -> FindingSpec:
    extra = hit.get("extra", {})
    meta = extra.get("metadata", {})
    check_id = str(hit.get("check_id", "unknown"))
    rule_id = next((k for k in known if check_id == k or check_id.endswith("." + k)), check_id)
    try:
        severity = Severity(str(meta.get("severity", "")).lower())
    except ValueError:
        severity = _LEVELS.get(str(extra.get("severity", "")).upper(), Severity.MEDIUM)
    return FindingSpec(
        tool=TOOL,
        rule_id=rule_id,
        message=str(extra.get("message", rule_id)),
        severity=severity,
        path=str(hit["path"]),
        line=hit["start"]["line"],
        end_line=hit["end"]["line"],
        col=hit["start"].get("col"),
        end_col=hit["end"].get("col"),
        cwe=cwe_tags(meta.get("cwe")),
        confidence=meta.get("confidence"),
        help_text=meta.get("help"),
        help_uri=meta.get("help_uri"),
    )


def _problem(err: dict[str, Any]) -> tuple[str, int | None, str]:
    spans = err.get("spans") or [{}]
    path = str(err.get("path") or spans[0].get("file") or "")
    line = (spans[0].get("start") or {}).get("line")
    return path, line, str(err.get("message") or err.get("type") or "semgrep error").strip()[:300]

"""semgrep with lockgate's own rules (package data under sast/rules), never a registry config."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from lockgate.model import Severity
from lockgate.sast.engine import (
    ChunkedRun,
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
CODE = (".py", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".cs", ".rb", ".tf", ".hcl")
# Server-side templates (Jinja2, Django, EJS, Handlebars/Mustache): rules/templates.yml
TEMPLATES = (".html", ".htm", ".jinja", ".jinja2", ".j2", ".djhtml", ".ejs", ".hbs", ".handlebars")
EXTENSIONS = (*CODE, *TEMPLATES, ".mustache")
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
    plain = [f for f in files if _utf8(f)]
    ran = _scan(TOOL, exe, configs, plain, project, artifacts, timeout) if plain else _NOTHING
    if ran.failed:
        return EngineResult(TOOL, version(), failed=ran.failed)
    odd = [f for f in files if not _utf8(f)]
    if odd:  # semgrep cannot open a file whose name is not UTF-8: scan a copy named plainly
        ran = _merged(ran, _scan_renamed(exe, configs, project, odd, artifacts, timeout))
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


_NOTHING = ChunkedRun((), (), ())


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # surrogateescape: bytes that are not UTF-8 in the file's name
        return False
    return True


def _scan(
    stem: str,
    exe: str,
    configs: Sequence[Path],
    files: Sequence[str],
    cwd: Path,
    artifacts: Path,
    timeout: float,
) -> ChunkedRun:
    return run_in_chunks(
        stem,
        lambda chunk, name: [*_argv(exe, configs, artifacts / f"{name}.sarif"), "--", *chunk],
        files,
        cwd=cwd,
        artifacts=artifacts,
        timeout=timeout,
        env={"SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"},
    )


def _scan_renamed(
    exe: str,
    configs: Sequence[Path],
    project: Path,
    files: Sequence[str],
    artifacts: Path,
    timeout: float,
) -> ChunkedRun:
    """Scan copies of `files` under plain names in a private temporary folder (removed after);
    every path in the results is the project's own name again."""
    with tempfile.TemporaryDirectory(prefix="lockgate-semgrep-") as tmp:
        aliases: dict[str, str] = {}
        for i, name in enumerate(files):
            alias = f"file{i}{os.path.splitext(name)[1]}"
            shutil.copyfile(project / name, Path(tmp) / alias)
            aliases[alias] = name
        ran = _scan(f"{TOOL}-renamed", exe, configs, list(aliases), Path(tmp), artifacts, timeout)
    results = tuple(_renamed(hit, "path", aliases) for hit in ran.results)
    errors = tuple(_renamed(err, "path", aliases) for err in ran.errors)
    return ChunkedRun(results, errors, ran.artifacts, ran.failed)


def _renamed(item: dict[str, Any], key: str, aliases: dict[str, str]) -> dict[str, Any]:
    shown = str(item.get(key) or "")
    return {**item, key: aliases.get(shown.removeprefix("./"), shown)} if shown else item


def _merged(first: ChunkedRun, second: ChunkedRun) -> ChunkedRun:
    return ChunkedRun(
        first.results + second.results,
        first.errors + second.errors,
        first.artifacts + second.artifacts,
        first.failed or second.failed,
    )


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

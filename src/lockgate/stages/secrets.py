"""The `secrets` stage: no credential in the working tree or (optionally) the git history.

Engines (lockgate's own rules, detect-secrets, gitleaks) are merged and de-duplicated; every value is
redacted to a short sha256 fingerprint before it leaves lockgate.secrets.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from lockgate import fsutil
from lockgate.config.options import Option, positive
from lockgate.model import Metric, StageResult, Status
from lockgate.secrets.engines import (
    ALL,
    DETECT_SECRETS,
    GITLEAKS,
    detect_secrets,
    gitleaks,
)
from lockgate.secrets.scan import Outcome, Settings, scan
from lockgate.secrets.sources import ZERO_SHA, SkipReason, has_commits, head_sha
from lockgate.stages.interface import Input, StageContext, StageKind
from lockgate.tools import proc

RULES_VERSION = "2"
_UNSCANNED_TEXT = (SkipReason.TOO_LARGE, SkipReason.UNREADABLE)
_VERSIONS: dict[tuple[str, float], str] = {}


def _engines(value: Any) -> str | None:
    unknown = [v for v in value if v not in ALL]
    return f"engines from {', '.join(ALL)} (unknown: {', '.join(unknown)})" if unknown else None


_REV = r"(?!-)[\w./^~@{}$-]+"


def _range(value: Any) -> str | None:
    ok = value == "" or re.fullmatch(rf"{_REV}(\.\.\.?{_REV})?", value)
    return None if ok else "a git revision range such as abc123..def456 or $BEFORE..$AFTER"


class SecretsStage:
    name: ClassVar[str] = "secrets"
    kind: ClassVar[StageKind] = StageKind.SECURITY
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = (
        "Secrets in the working tree and the git history (values always redacted)"
    )
    options: ClassVar[tuple[Option, ...]] = (
        Option("engines", "list[str]", list(ALL), "scanners to run and merge", check=_engines),
        Option("history", "bool", False, "also scan the git history of HEAD (CLI: --history)"),
        Option(
            "history_range",
            "str",
            "",
            "scan this git range; $VARS are expanded, e.g. $CI_COMMIT_BEFORE_SHA..$CI_COMMIT_SHA;"
            " empty: in CI, the pushed range (GitHub Actions push events, GitLab pipelines)",
            check=_range,
        ),
        Option(
            "max_file_size",
            "int",
            2_000_000,
            "bytes; larger files are skipped (and counted)",
            check=positive,
        ),
        Option(
            "gitleaks_path",
            "str",
            "",
            "your own gitleaks binary (else $LOCKGATE_GITLEAKS_BIN, then lockgate's pinned one)",
        ),
        Option(
            "detect_secrets_disable",
            "list[str]",
            ["HexHighEntropyString"],
            "detect-secrets plugins to turn off (the hex-entropy one flags every hash and fingerprint)",
        ),
        Option(
            "exclude", "list[str]", [], "glob patterns of files not to scan (fixtures of fake keys)"
        ),
    )

    def available(self, ctx: StageContext) -> str | None:
        engines = ctx.options["engines"]
        if GITLEAKS in engines and gitleaks.find(ctx.options["gitleaks_path"])[0] is None:
            where = ctx.options["gitleaks_path"] or "gitleaks"
            return f"{where} is not installed or not executable: {gitleaks.INSTALL_HINT}"
        if DETECT_SECRETS in engines and proc.which("detect-secrets") is None:
            return f"detect-secrets is not installed: {detect_secrets.INSTALL_HINT}"
        if self._revs_wanted(ctx) and proc.which("git") is None:
            return "git is not installed (needed for history scans): install git, or set history = false"
        return None

    def cache_key(self, ctx: StageContext) -> str | None:
        files = self._files(ctx)
        versions = self._versions(ctx)
        parts = [
            fsutil.digest_files(ctx.project, files),
            json.dumps(versions),
            json.dumps(dict(ctx.options), sort_keys=True, default=str),
            RULES_VERSION,
        ]
        if self._revs_wanted(ctx):
            parts.append(head_sha(ctx.project) or "no-commits")
        return fsutil.digest_text(*parts)

    def run(self, ctx: StageContext) -> StageResult:
        start = time.monotonic()
        notes: list[str] = []
        settings = self._settings(ctx)
        versions = self._versions(ctx)
        notes += self._version_notes(ctx, versions)
        revs = self._revs(ctx, notes)
        outcome = scan(self.name, ctx.project, settings, files=self._files(ctx), revs=revs)
        return StageResult(
            stage=self.name,
            status=self._status(outcome, notes),
            findings=tuple(outcome.findings),
            metrics=self._metrics(outcome),
            duration=time.monotonic() - start,
            tool_versions=tuple(sorted(versions.items())),
            summary=self._summary(outcome, notes, revs),
        )

    # --- helpers -------------------------------------------------------------------------------

    def _files(self, ctx: StageContext) -> list[str]:
        files = fsutil.project_files(ctx.project)
        excluded = set(fsutil.matching(files, ctx.options["exclude"]))
        return [f for f in files if f not in excluded]

    def _settings(self, ctx: StageContext) -> Settings:
        engines = tuple(ctx.options["engines"])
        return Settings(
            engines=engines,
            max_file_size=ctx.options["max_file_size"],
            timeout=ctx.gate.timeout,
            gitleaks_bin=gitleaks.find(ctx.options["gitleaks_path"])[0]
            if GITLEAKS in engines
            else None,
            detect_secrets_bin=proc.which("detect-secrets") if DETECT_SECRETS in engines else None,
            detect_secrets_disable=tuple(ctx.options["detect_secrets_disable"]),
            exclude=tuple(ctx.options["exclude"]),
        )

    def _versions(self, ctx: StageContext) -> dict[str, str]:
        versions = {"lockgate-secret-rules": RULES_VERSION}
        settings = self._settings(ctx)
        if settings.gitleaks_bin:
            versions[GITLEAKS] = _cached_version(settings.gitleaks_bin, gitleaks.version)
        if settings.detect_secrets_bin:
            versions[DETECT_SECRETS] = _cached_version(
                settings.detect_secrets_bin, detect_secrets.version
            )
        return versions

    def _version_notes(self, ctx: StageContext, versions: dict[str, str]) -> list[str]:
        notes = []
        if GITLEAKS in versions and versions[GITLEAKS] != gitleaks.PINNED:
            chosen = gitleaks.find(ctx.options["gitleaks_path"])[1]
            whose = "your gitleaks" if chosen else "the installed gitleaks"
            notes.append(
                f"{whose} is {versions[GITLEAKS]}, lockgate is tested with {gitleaks.PINNED}"
            )
        if DETECT_SECRETS in versions and versions[DETECT_SECRETS] != detect_secrets.PINNED:
            notes.append(
                f"detect-secrets is {versions[DETECT_SECRETS]}, lockgate pins {detect_secrets.PINNED}"
                " (rerun scripts/bootstrap)"
            )
        return notes

    def _revs_wanted(self, ctx: StageContext) -> bool:
        return bool(ctx.options["history"] or _range_text(ctx, os.environ))

    def _revs(self, ctx: StageContext, notes: list[str]) -> list[str] | None:
        if not self._revs_wanted(ctx):
            return None
        if not (ctx.project / ".git").exists():
            notes.append("history not scanned: the project is not a git repository")
            return None
        if not has_commits(ctx.project):
            notes.append("history not scanned: the git repository has no commits yet")
            return None
        wanted = "" if ctx.options["history"] else _range_text(ctx, os.environ)
        if not wanted:
            return ["HEAD"]
        if "$" in wanted or _range(wanted) is not None or wanted.startswith(".."):
            notes.append(
                f"history not scanned: history_range {ctx.options['history_range'] or '(CI)'!r} gave"
                f" to {wanted!r}, not a git range (are the variables set?)"
            )
            return None
        before, sep, after = wanted.partition("..")
        if sep and ZERO_SHA.match(before):  # a new branch: CI gives 000…0 as the "before" commit
            return [after.lstrip(".")]
        return [wanted]

    def _status(self, outcome: Outcome, notes: list[str]) -> Status:
        if outcome.engines_ok == 0:
            return Status.ERROR
        # A text file not read (too large for max_file_size, or unreadable) may hold a secret.
        unscanned = any(s.reason in _UNSCANNED_TEXT for s in outcome.skipped)
        return Status.WARNED if unscanned or outcome.problems or notes else Status.PASSED

    def _metrics(self, outcome: Outcome) -> tuple[Metric, ...]:
        counts = {reason: 0 for reason in SkipReason}
        for s in outcome.skipped:
            counts[s.reason] += 1
        metrics = [
            Metric("files_scanned", outcome.files_scanned, "files"),
            Metric("files_skipped_binary", counts[SkipReason.BINARY], "files"),
            Metric("files_skipped_too_large", counts[SkipReason.TOO_LARGE], "files"),
            Metric("files_unreadable", counts[SkipReason.UNREADABLE], "files"),
            Metric("files_skipped_outside_project", counts[SkipReason.OUTSIDE], "files"),
            Metric("commits_scanned", outcome.commits, "commits"),
            Metric("placeholders_ignored", outcome.placeholders, "values"),
            Metric(
                "secrets_found",
                sum(1 for f in outcome.findings if f.tags and "secret" in f.tags),
                "findings",
            ),
        ]
        metrics += [
            Metric(f"time_{_slug(k)}", round(v, 3), "s") for k, v in sorted(outcome.timings.items())
        ]
        return tuple(metrics)

    def _summary(self, outcome: Outcome, notes: list[str], revs: list[str] | None) -> str:
        secrets = [f for f in outcome.findings if "secret" in f.tags]
        allowed = sum(1 for f in secrets if f.state_reason)
        parts = [
            f"{len(secrets)} secret(s)"
            + (f" ({allowed} allowed with a reason)" if allowed else "")
            + f" in {outcome.files_scanned} file(s)"
        ]
        if revs is not None:
            parts.append(f"history {' '.join(revs)}: {outcome.commits} commit(s) with changes")
        by_reason: dict[SkipReason, list[str]] = {}
        for s in outcome.skipped:
            by_reason.setdefault(s.reason, []).append(s.path)
        for reason, paths in sorted(by_reason.items()):
            shown = ", ".join(paths[:3]) + (" …" if len(paths) > 3 else "")
            hint = " (NOT scanned for secrets: raise max_file_size or exclude them)"
            parts.append(
                f"skipped {len(paths)} {reason.value.replace('_', ' ')} file(s): {shown}"
                + (hint if reason is SkipReason.TOO_LARGE else "")
            )
        parts += outcome.problems + notes
        return "; ".join(parts)


def _cached_version(binary: str, probe: Any) -> str:
    try:
        key = (binary, os.stat(binary).st_mtime)
    except OSError:
        return "unknown"
    if key not in _VERSIONS:
        _VERSIONS[key] = probe(binary)
    return _VERSIONS[key]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _range_text(ctx: StageContext, env: Mapping[str, str]) -> str:
    configured = str(ctx.options["history_range"])
    return os.path.expandvars(configured) if configured else pushed_range(env)


def pushed_range(env: Mapping[str, str]) -> str:
    """The range a CI push brought (`before..after`), or "" outside CI or when it cannot tell."""
    if env.get("CI_COMMIT_BEFORE_SHA") and env.get("CI_COMMIT_SHA"):  # GitLab
        return f"{env['CI_COMMIT_BEFORE_SHA']}..{env['CI_COMMIT_SHA']}"
    if env.get("GITHUB_EVENT_NAME") == "push" and env.get("GITHUB_EVENT_PATH"):
        try:
            event = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text())
            return f"{event['before']}..{event['after']}"
        except (OSError, ValueError, KeyError, TypeError):
            return ""
    return ""

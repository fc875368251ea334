"""The `secrets` stage: no credential in the working tree or (optionally) the git history.

Engines (lockgate's own rules and gitleaks; detect-secrets in the paranoid profile) are merged and
de-duplicated; every value is redacted to a keyed id before it leaves lockgate.secrets. The git
hooks run the same engine set (lockgate.secrets.policy) on the staged change.
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
from lockgate.model import Finding, Location, Metric, Severity, StageResult, Status, Unchecked
from lockgate.model import fingerprint as make_fingerprint
from lockgate.secrets import policy, valueid
from lockgate.secrets.engines import ALL, DETECT_SECRETS, GITLEAKS, detect_secrets, gitleaks
from lockgate.secrets.scan import Outcome, Settings, scan
from lockgate.secrets.sources import (
    ZERO_SHA,
    SkipReason,
    bad_revisions,
    has_commits,
    head_sha,
    tracked,
)
from lockgate.stages.interface import Input, StageContext, StageKind
from lockgate.tools import proc
from lockgate.tools import versions as tool_versions

RULES_VERSION = "3"
_UNSCANNED_TEXT = (SkipReason.TOO_LARGE, SkipReason.UNREADABLE)
_RANGE_FIX = (
    "set history_range to a range of commits this clone has (CI: fetch the history, e.g."
    " `fetch-depth: 0` on GitHub Actions, GIT_DEPTH: 0 on GitLab), or leave it empty"
)


def _engines(value: Any) -> str | None:
    unknown = [v for v in value if v not in ALL]
    if unknown:
        return f"engines from {', '.join(ALL)} (unknown: {', '.join(unknown)})"
    return (
        None if value else f"at least one engine from {', '.join(ALL)} (none would check nothing)"
    )


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
        Option(
            "profile",
            "str",
            policy.Profile.STANDARD.value,
            "standard: lockgate's rules + gitleaks (few false alarms); paranoid: also"
            " detect-secrets with its entropy heuristics (more findings, more noise)",
            choices=tuple(p.value for p in policy.Profile),
        ),
        Option(
            "engines",
            "list[str]",
            list(policy.DEFAULT_ENGINES),
            "scanners to run and merge (the paranoid profile adds detect-secrets)",
            check=_engines,
        ),
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
            check=policy.binary_path_problem,
        ),
        Option(
            "detect_secrets_disable",
            "list[str]",
            ["HexHighEntropyString"],
            "detect-secrets plugins to turn off (the hex-entropy one flags every hash; both"
            " entropy plugins are off unless profile = paranoid)",
        ),
        Option(
            "example_severity",
            "str",
            Severity.INFO.value,
            "severity of example-credential findings (scott:tiger, user:pass@example.com,"
            " changeme, ${VAR}); info never fails the gate, raise it to fail on them",
            choices=tuple(s.value for s in Severity),
        ),
        Option(
            "exclude", "list[str]", [], "glob patterns of files not to scan (fixtures of fake keys)"
        ),
    )

    def available(self, ctx: StageContext) -> str | None:
        # A missing scanner is reported as unchecked by run(); lockgate's own rules always run.
        if self._revs_wanted(ctx) and proc.which("git") is None:
            return "git is not installed (needed for history scans): install git, or set history = false"
        return None

    def cache_key(self, ctx: StageContext) -> str | None:
        files = self._files(ctx)
        settings, _ = self._settings(ctx, _ids(ctx)[0])
        parts = [
            fsutil.digest_files(ctx.project, files),
            json.dumps(self._versions(settings)),
            json.dumps(dict(ctx.options), sort_keys=True, default=str),
            RULES_VERSION,
            settings.ids.key_id,
        ]
        if self._revs_wanted(ctx):
            parts.append(head_sha(ctx.project) or "no-commits")
        return fsutil.digest_text(*parts)

    def run(self, ctx: StageContext) -> StageResult:
        start = time.monotonic()
        ids, notes = _ids(ctx)
        settings, unchecked = self._settings(ctx, ids)
        versions = self._versions(settings)
        notes += self._version_notes(ctx, versions)
        revs = self._revs(ctx, notes, unchecked)
        outcome = scan(self.name, ctx.project, settings, files=self._files(ctx), revs=revs)
        unchecked += outcome.unchecked + _unread(outcome)
        findings = outcome.findings + _key_in_git(ctx.project, ids)
        return StageResult(
            stage=self.name,
            status=self._status(outcome, notes, unchecked),
            findings=tuple(findings),
            metrics=self._metrics(outcome),
            duration=time.monotonic() - start,
            tool_versions=tuple(sorted(versions.items())),
            summary=self._summary(outcome, notes, revs, unchecked),
            unchecked=tuple(unchecked),
        )

    # --- helpers -------------------------------------------------------------------------------

    def _files(self, ctx: StageContext) -> list[str]:
        files = fsutil.project_files(ctx.project, tracked_everywhere=True)
        excluded = set(fsutil.matching(files, ctx.options["exclude"]))
        return [f for f in files if f not in excluded]

    def _settings(
        self, ctx: StageContext, ids: valueid.ValueIds
    ) -> tuple[Settings, list[Unchecked]]:
        return policy.settings(ctx.options, timeout=ctx.gate.timeout, ids=ids)

    def _versions(self, settings: Settings) -> dict[str, str]:
        versions = {"lockgate-secret-rules": RULES_VERSION}
        if settings.gitleaks_bin:
            versions[GITLEAKS] = tool_versions.version(settings.gitleaks_bin, gitleaks.version)
        if settings.detect_secrets_bin:
            versions[DETECT_SECRETS] = tool_versions.version(
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

    def _revs(
        self, ctx: StageContext, notes: list[str], unchecked: list[Unchecked]
    ) -> list[str] | None:
        if not self._revs_wanted(ctx):
            return None
        if not (ctx.project / ".git").exists() and head_sha(ctx.project) is None:
            unchecked.append(
                Unchecked(
                    what="git history",
                    reason="the project is not a git repository",
                    fix="run lockgate in a git clone, or set history = false",
                )
            )
            return None
        if not has_commits(ctx.project):
            notes.append("history not scanned: the git repository has no commits yet")
            return None
        configured = ctx.options["history_range"]
        wanted = "" if ctx.options["history"] else _range_text(ctx, os.environ)
        if not wanted:
            return ["HEAD"]
        if "$" in wanted or _range(wanted) is not None or wanted.startswith(".."):
            unchecked.append(
                Unchecked(
                    what="git history",
                    reason=f"history_range {configured or '(CI)'!r} gave {wanted!r}, not a git"
                    " range (are the variables set?)",
                    fix=_RANGE_FIX,
                )
            )
            return None
        before, sep, after = wanted.partition("..")
        if sep and ZERO_SHA.match(before):  # a new branch: CI gives 000…0 as the "before" commit
            wanted = after.lstrip(".")
        bad = bad_revisions(ctx.project, wanted)
        if bad:
            unchecked.append(
                Unchecked(
                    what=f"git history {wanted}",
                    reason=f"git does not know {', '.join(repr(b) for b in bad)} in this clone,"
                    " so the range was not scanned",
                    fix=_RANGE_FIX,
                )
            )
            return None
        return [wanted]

    def _status(self, outcome: Outcome, notes: list[str], unchecked: list[Unchecked]) -> Status:
        if outcome.engines_ok == 0:
            return Status.ERROR
        return Status.WARNED if unchecked or notes else Status.PASSED

    def _metrics(self, outcome: Outcome) -> tuple[Metric, ...]:
        counts = {reason: 0 for reason in SkipReason}
        for s in outcome.skipped:
            counts[s.reason] += 1
        secrets = [f for f in outcome.findings if f.tags and "secret" in f.tags]
        examples = sum(1 for f in secrets if "example" in f.tags)
        metrics = [
            Metric("files_scanned", outcome.files_scanned, "files"),
            Metric("files_skipped_binary", counts[SkipReason.BINARY], "files"),
            Metric("files_skipped_too_large", counts[SkipReason.TOO_LARGE], "files"),
            Metric("files_unreadable", counts[SkipReason.UNREADABLE], "files"),
            Metric("files_skipped_outside_project", counts[SkipReason.OUTSIDE], "files"),
            Metric("commits_scanned", outcome.commits, "commits"),
            Metric("values_allowlisted", sum(outcome.allowlisted.values()), "values"),
            Metric("example_credentials", examples, "findings"),
            Metric("secrets_found", len(secrets) - examples, "findings"),
        ]
        metrics += [
            Metric(f"time_{_slug(k)}", round(v, 3), "s") for k, v in sorted(outcome.timings.items())
        ]
        return tuple(metrics)

    def _summary(
        self,
        outcome: Outcome,
        notes: list[str],
        revs: list[str] | None,
        unchecked: list[Unchecked],
    ) -> str:
        secrets = [f for f in outcome.findings if "secret" in f.tags and "example" not in f.tags]
        examples = sum(1 for f in outcome.findings if "example" in f.tags)
        allowed = sum(1 for f in secrets if f.state_reason)
        parts = [
            f"{len(secrets)} secret(s)"
            + (f" ({allowed} allowed with a reason)" if allowed else "")
            + f" in {outcome.files_scanned} file(s)"
        ]
        if examples:
            parts.append(f"{examples} example credential(s)")
        if outcome.allowlisted:
            known = ", ".join(f"{n} {k}" for k, n in sorted(outcome.allowlisted.items()))
            parts.append(f"not secrets: {known}")
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
        parts += [f"not checked: {u.what}: {u.reason}" for u in unchecked if u.what != "files"]
        parts += notes
        return "; ".join(parts)


def _ids(ctx: StageContext) -> tuple[valueid.ValueIds, list[str]]:
    """The project's value-id key; a fresh random one (with a note) when it cannot be kept."""
    try:
        ids = valueid.for_project(ctx.project)
    except valueid.KeyProblem as exc:
        return valueid.ephemeral(), [
            f"{exc}; value ids are random this run, so a baseline cannot match secrets"
        ]
    if (
        ids.source is valueid.KeySource.CREATED
        and (ctx.project / ".lockgate" / "baseline.json").exists()
    ):
        return ids, [
            f"created a new value-id key ({valueid.KEY_FILE}): secrets accepted in the committed"
            f" baseline under another key count as new; in CI set ${valueid.ENV} to the key"
        ]
    return ids, []


def _unread(outcome: Outcome) -> list[Unchecked]:
    """Text files nobody read (too large, unreadable): they may hold a secret."""
    unread = [s for s in outcome.skipped if s.reason in _UNSCANNED_TEXT]
    if not unread:
        return []
    shown = ", ".join(s.path for s in unread[:3]) + (" …" if len(unread) > 3 else "")
    return [
        Unchecked(
            what="files",
            reason=f"{len(unread)} text file(s) not read ({shown}):"
            f" {', '.join(sorted({s.reason.value.replace('_', ' ') for s in unread}))}",
            count=len(unread),
            fix="raise max_file_size, fix the file permissions, or exclude them",
        )
    ]


def _key_in_git(root: Path, ids: valueid.ValueIds) -> list[Finding]:
    """The value-id key committed to git would let anyone with the repository test guesses."""
    if ids.source is valueid.KeySource.ENV or not tracked(root, str(valueid.KEY_FILE)):
        return []
    rule = "secrets-key-in-git"
    return [
        Finding(
            stage="secrets",
            tool="lockgate",
            rule_id=rule,
            message=f"{valueid.KEY_FILE} is committed: with it anyone can test guesses against"
            " the value ids in reports. `git rm --cached` it, delete it (a new one is made), and"
            " run `lockgate baseline update` once.",
            severity=Severity.HIGH,
            fingerprint=make_fingerprint(rule, str(valueid.KEY_FILE), ""),
            location=Location(str(valueid.KEY_FILE), 1),
            tags=("security",),
        )
    ]


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

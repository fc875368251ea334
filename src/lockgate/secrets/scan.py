"""One secrets scan: the working tree, git history, the index or a pushed range, every engine merged.

The stage and the git hooks both come here with the same Settings (lockgate.secrets.policy), so a
hook blocks exactly what the CI gate fails on.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from lockgate import fsutil
from lockgate.model import Finding, Severity, Unchecked
from lockgate.secrets import allow, merge
from lockgate.secrets.candidate import Candidate
from lockgate.secrets.engines import (
    DETECT_SECRETS,
    GITLEAKS,
    LOCKGATE,
    EngineFailed,
    detect_secrets,
    gitleaks,
    own,
)
from lockgate.secrets.sources import (
    Chunk,
    GitFailed,
    LineSource,
    Skipped,
    SkipReason,
    checkout_index,
    history_chunks,
    read_text,
    staged_chunks,
)
from lockgate.secrets.valueid import ValueIds, process_ids


@dataclass(frozen=True)
class Settings:
    engines: tuple[str, ...]
    max_file_size: int
    timeout: float
    gitleaks_bin: str | None = None
    detect_secrets_bin: str | None = None
    detect_secrets_disable: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()  # globs of files never reported, in the tree, history or index
    ids: ValueIds = field(default_factory=process_ids)
    example_severity: Severity = Severity.INFO

    def excluded(self, path: str) -> bool:
        return bool(self.exclude) and bool(fsutil.matching([path], self.exclude))

    def runs(self, engine: str) -> bool:
        """Whether `engine` is configured and can run here."""
        if engine not in self.engines:
            return False
        if engine == GITLEAKS:
            return self.gitleaks_bin is not None
        if engine == DETECT_SECRETS:
            return self.detect_secrets_bin is not None
        return True


@dataclass
class Outcome:
    """What a scan found and what it could not look at (never a secret value)."""

    findings: list[Finding] = field(default_factory=list)
    files_scanned: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    commits: int = 0
    unchecked: list[Unchecked] = field(default_factory=list)  # engines that failed, ...
    timings: dict[str, float] = field(default_factory=dict)
    engines_ok: int = 0
    allowlisted: Counter[str] = field(default_factory=Counter)  # known formats dropped, by name

    def add(self, other: Outcome) -> None:
        self.findings += other.findings
        self.skipped += other.skipped
        self.unchecked += other.unchecked
        self.commits += other.commits
        self.engines_ok += other.engines_ok
        self.allowlisted += other.allowlisted


def _failed(engine: str, exc: Exception, fix: str) -> Unchecked:
    return Unchecked(what=engine, reason=str(exc), count=1, fix=fix)


_FIX = {
    GITLEAKS: gitleaks.INSTALL_HINT,
    DETECT_SECRETS: detect_secrets.INSTALL_HINT,
}


def scan(
    stage: str,
    root: Path,
    settings: Settings,
    *,
    files: Sequence[str] | None = None,
    revs: Sequence[str] | None = None,
) -> Outcome:
    """Scan `files` of the working tree (None: skip the tree) and the commits in `revs` (None: none)."""
    out = Outcome()
    tree: list[Candidate] = []
    history: list[Candidate] = []
    with ThreadPoolExecutor(max_workers=3) as pool:
        jobs = _start_engines(pool, root, settings, files, revs, out)
        if files is not None:
            tree += _own_tree(stage, root, files, settings, out)
            if settings.runs(GITLEAKS):
                out.findings += [
                    merge.ignore_file_finding(stage, f)
                    for f in files
                    if f.rsplit("/", 1)[-1] == ".gitleaksignore"
                ]
        if revs is not None:
            history += _own_history(root, revs, settings, out)
        for name, job in jobs.items():
            try:
                found = job.result()
            except EngineFailed as exc:
                out.unchecked.append(_failed(name, exc, _FIX[name.split()[0]]))
                continue
            out.engines_ok += 1
            found = [c for c in found if not settings.excluded(c.path)]
            (history if name == "gitleaks git" else tree).extend(found)
    _finish(stage, root, settings, tree, history, out)
    return out


def _start_engines(
    pool: ThreadPoolExecutor,
    root: Path,
    settings: Settings,
    files: Sequence[str] | None,
    revs: Sequence[str] | None,
    out: Outcome,
) -> dict[str, Future[list[Candidate]]]:
    """Start the external scanners in the background; lockgate's own pass runs meanwhile."""
    jobs: dict[str, Future[list[Candidate]]] = {}
    gl, ds = settings.gitleaks_bin, settings.detect_secrets_bin
    if files is not None and gl and settings.runs(GITLEAKS):
        listed, mb = set(files), max(1, settings.max_file_size // 1_000_000)
        jobs["gitleaks dir"] = _timed(
            pool,
            out,
            "gitleaks dir",
            lambda: [
                c for c in gitleaks.scan_dir(gl, root, mb, settings.timeout) if c.path in listed
            ],
        )
    if files is not None and ds and settings.runs(DETECT_SECRETS):
        small = [f for f in files if _size(root, f) <= settings.max_file_size]
        disable = settings.detect_secrets_disable
        jobs["detect-secrets"] = _timed(
            pool,
            out,
            "detect-secrets",
            lambda: detect_secrets.scan(ds, root, small, settings.timeout, disable),
        )
    if revs is not None and gl and settings.runs(GITLEAKS):
        jobs["gitleaks git"] = _timed(
            pool, out, "gitleaks git", lambda: gitleaks.scan_git(gl, root, revs, settings.timeout)
        )
    return jobs


def scan_staged(
    stage: str,
    root: Path,
    settings: Settings,
    *,
    gitleaks_job: Future[list[Candidate]] | None = None,
) -> Outcome:
    """Scan what `git commit` would record (the lines added in the index) with every engine the
    gate runs: lockgate's rules on the diff, `gitleaks git --staged`, and detect-secrets (when
    configured) on the staged files, keeping only what it finds on added lines.

    `gitleaks_job`: `gitleaks git --staged` already started with settings.gitleaks_bin (the hook
    starts it before reading the config, to overlap the two).
    """
    out = Outcome()
    chunks = [c for c in staged_chunks(root, settings.timeout) if not settings.excluded(c.path)]
    added = {(c.path, c.first_line + i) for c in chunks for i in range(c.text.count("\n") + 1)}
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs: dict[str, Future[list[Candidate]]] = {}
        if gitleaks_job is not None and settings.runs(GITLEAKS):
            jobs["gitleaks"] = gitleaks_job
        elif settings.runs(GITLEAKS) and settings.gitleaks_bin:
            binary = settings.gitleaks_bin
            jobs["gitleaks"] = _timed(
                pool, out, "gitleaks", lambda: gitleaks.scan_staged(binary, root, settings.timeout)
            )
        if settings.runs(DETECT_SECRETS) and chunks:
            paths = sorted({c.path for c in chunks})
            jobs["detect-secrets"] = _timed(
                pool, out, "detect-secrets", lambda: _staged_detect_secrets(root, paths, settings)
            )
        start = time.monotonic()
        cands = [c for chunk in chunks for c in _chunk(chunk, settings, ":", out)]
        out.timings["lockgate"] = time.monotonic() - start
        out.engines_ok += 1
        for name, job in jobs.items():
            try:
                found = job.result()
            except (EngineFailed, GitFailed) as exc:
                out.unchecked.append(_failed(name, exc, _FIX[name]))
                continue
            out.engines_ok += 1
            if name == "detect-secrets":  # it read whole files: keep what this commit adds
                found = [c for c in found if (c.path, c.line) in added]
            cands += [c for c in found if not settings.excluded(c.path)]
    lines = LineSource(root, settings.max_file_size)
    resolved, out.allowlisted = merge.resolve(cands, lines, settings.ids)
    out.findings = [
        merge.finding(stage, g, _line(lines, g.primary), settings.example_severity)
        for g in merge.group_tree(resolved)
    ]
    return out


def _staged_detect_secrets(root: Path, paths: list[str], settings: Settings) -> list[Candidate]:
    """detect-secrets on the index's version of `paths`, copied to a private folder."""
    binary = settings.detect_secrets_bin or ""
    private = Path(tempfile.mkdtemp(prefix="lockgate-staged-"))  # mode 0700
    try:
        checkout_index(root, paths, private, settings.timeout)
        present = [p for p in paths if (private / p).is_file()]
        found = detect_secrets.scan(
            binary, private, present, settings.timeout, settings.detect_secrets_disable
        )
        return [replace(c, commit=":") for c in found]
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _timed(
    pool: ThreadPoolExecutor, out: Outcome, name: str, fn: Callable[[], list[Candidate]]
) -> Future[list[Candidate]]:
    def job() -> list[Candidate]:
        start = time.monotonic()
        try:
            return fn()
        finally:
            out.timings[name] = time.monotonic() - start

    return pool.submit(job)


def _size(root: Path, rel: str) -> int:
    try:
        return (root / rel).stat().st_size
    except OSError:
        return 0


def _own_tree(
    stage: str, root: Path, files: Iterable[str], settings: Settings, out: Outcome
) -> list[Candidate]:
    start = time.monotonic()
    found: list[Candidate] = []
    for rel in files:
        text = read_text(root, rel, settings.max_file_size)
        if isinstance(text, Skipped):
            out.skipped.append(text)
            continue
        out.files_scanned += 1
        if LOCKGATE in settings.engines:
            found += own.scan(rel, text, settings.ids)
        if "allow-secret" in text:
            lines = text.split("\n")
            out.findings += [
                merge.bare_marker_finding(stage, rel, n, lines[n - 1])
                for n in allow.bare_markers(text)
            ]
    out.timings["lockgate"] = time.monotonic() - start
    out.engines_ok += 1
    return found


def _own_history(
    root: Path, revs: Sequence[str], settings: Settings, out: Outcome
) -> list[Candidate]:
    start = time.monotonic()
    found: list[Candidate] = []
    commits: set[str] = set()
    try:
        for chunk in history_chunks(root, revs, settings.timeout):
            commits.add(chunk.commit or "")
            found += _chunk(chunk, settings, chunk.commit, out)
    except GitFailed as exc:
        out.unchecked.append(
            Unchecked(
                what=f"git history {' '.join(revs)}",
                reason=f"git failed: {exc}",
                fix="check history_range (or the pushed range) names commits this clone has",
            )
        )
    out.commits = len(commits)
    out.timings["lockgate history"] = time.monotonic() - start
    return found


def _chunk(chunk: Chunk, settings: Settings, commit: str | None, out: Outcome) -> list[Candidate]:
    if LOCKGATE not in settings.engines or settings.excluded(chunk.path):
        return []
    if len(chunk.text) > settings.max_file_size:
        where = f"{chunk.path} (commit {chunk.commit[:12]})" if chunk.commit else chunk.path
        out.skipped.append(Skipped(where, SkipReason.TOO_LARGE, "added lines over max_file_size"))
        return []
    return own.scan(
        chunk.path, chunk.text, settings.ids, commit=commit, first_line=chunk.first_line
    )


def _line(lines: LineSource, c: Candidate) -> str:
    return lines.line(c.path, c.line, c.commit)


def _finish(
    stage: str,
    root: Path,
    settings: Settings,
    tree: list[Candidate],
    history: list[Candidate],
    out: Outcome,
) -> None:
    lines = LineSource(root, settings.max_file_size)
    tree_resolved, dropped_tree = merge.resolve(tree, lines, settings.ids)
    hist_resolved, dropped_hist = merge.resolve(history, lines, settings.ids)
    out.allowlisted = dropped_tree + dropped_hist
    tree_groups = merge.group_tree(tree_resolved)
    hist_groups = merge.group_history(hist_resolved, tree_groups)
    out.findings = [
        merge.finding(stage, g, _line(lines, g.primary), settings.example_severity)
        for g in tree_groups + hist_groups
    ] + out.findings

"""Run the enabled linters over the files they claim and turn their problems into one StageResult."""

from __future__ import annotations

import difflib
import fnmatch
import os
import re
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path, PurePosixPath
from typing import Any

from lockgate import fsutil
from lockgate.lint.interface import Linter, LintOutputError, Raw
from lockgate.lint.registry import LINTERS
from lockgate.model import Finding, Location, Metric, StageResult, Status, Unchecked, fingerprint
from lockgate.tools import proc, versions

STAGE = "lint"
# control characters and bidi overrides from the linted source, shown escaped instead of acted on
_ENCODINGS = "https://www.w3.org/International/questions/qa-choosing-encodings"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Request:
    """One lint run: the project (read in place), the [stages.lint] values, a time limit per call."""

    project: Path
    options: Mapping[str, Any]
    timeout: float
    linters: tuple[Linter, ...] = LINTERS


def enabled(req: Request) -> list[Linter]:
    skip = set(req.options.get("skip_linters", ()))
    return [lt for lt in req.linters if lt.enabled(req.options) and lt.name not in skip]


def unknown_skip(req: Request) -> str | None:
    """`skip_linters` naming a linter that does not exist, as an error message; or None."""
    known = sorted({lt.name for lt in req.linters})
    wrong = [name for name in req.options.get("skip_linters", ()) if name not in known]
    if not wrong:
        return None
    close = difflib.get_close_matches(wrong[0], known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"[stages.lint] skip_linters names an unknown linter '{wrong[0]}'{hint}; known: {', '.join(known)}"


def why_not(linter: Linter) -> str | None:
    """Why `linter` cannot run here (its tool or a module it needs is missing), or None."""
    if proc.which(linter.tool) is None:
        return f"{linter.tool} is not installed"
    return linter.probe()


def claimed(req: Request, linter: Linter, files: list[str]) -> list[str]:
    """The project files `linter` checks: its patterns (plus sniffed scripts) under `paths`."""
    pattern = _pattern(linter.patterns)
    picked = [f for f in files if pattern.match(f) or pattern.match(f.rsplit("/", 1)[-1])]
    if linter.sniff is not None:
        taken = set(picked)
        sniff = linter.sniff
        picked += [
            f for f in files if f not in taken and sniff(f, partial(_first_line, req.project / f))
        ]
    return _selected(req, picked)


@cache
def _pattern(globs: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a linter's globs, matched as `fsutil.matching` does (path or basename)."""
    return re.compile("|".join(fnmatch.translate(g) for g in globs) or "(?!)")


def missing_tool(req: Request) -> str | None:
    """Why the stage cannot run at all: every linter with files to check lacks its tool; or None.

    A linter that is missing while others run is not this: its files are named as unchecked.
    """
    wrong = unknown_skip(req)
    if wrong is not None:
        return wrong
    files = fsutil.project_files(req.project)
    wanted = [lt for lt in enabled(req) if not lt.optional and claimed(req, lt, files)]
    reasons = {(why_not(lt), lt.install_hint) for lt in wanted}
    if not wanted or any(why is None for why, _ in reasons):
        return None
    return "; ".join(f"{why}; {hint}" for why, hint in sorted(reasons, key=str))


def cache_key(req: Request) -> str | None:
    """Digest of each enabled linter's version, the files it claims and its config files."""
    files = fsutil.project_files(req.project)
    parts: list[str] = []
    for linter in enabled(req):
        checked = claimed(req, linter, files)
        if not checked:
            continue
        if why_not(linter) is not None:
            if linter.optional:
                parts.append(f"{linter.name} not installed")
                continue
            return None  # unchecked files are never served from the cache
        configs = [f for f in files if PurePosixPath(f).name in linter.config_files]
        parts += [
            linter.name,
            _version(linter),
            fsutil.digest_files(req.project, {*checked, *configs}),
        ]
    return fsutil.digest_text(*parts)


@dataclass
class _Tally:
    findings: list[Finding] = field(default_factory=list)
    unchecked: list[Unchecked] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)  # linters that did not run, and why

    def merge(self, other: _Tally) -> None:
        self.findings += other.findings
        self.unchecked += other.unchecked
        self.versions.update(other.versions)
        self.checked |= other.checked


def lint(req: Request) -> StageResult:
    """Each linter with files to check, side by side (they are independent processes)."""
    started = time.monotonic()
    files = fsutil.project_files(req.project)
    tally = _Tally()
    skipped = [lt.name for lt in req.linters if lt.name in req.options.get("skip_linters", ())]
    tally.notes += [f"{name} skipped by [stages.lint] skip_linters" for name in skipped]
    jobs: list[tuple[Linter, list[str]]] = []
    for linter in enabled(req):
        targets = claimed(req, linter, files)
        if not targets:
            continue
        why = why_not(linter)
        if why is not None and linter.optional:
            tally.notes.append(f"{linter.name} not run: {why}")
        elif why is not None:
            tally.unchecked.append(_unavailable(linter, why, len(targets)))
        else:
            jobs.append((linter, targets))
    workers = max(1, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        versions = [(lt, pool.submit(_version, lt)) for lt, _ in jobs]
        futures = [
            (lt, pool.submit(_lint_with, req, lt, part))
            for lt, targets in jobs
            for part in _parts(lt, targets, workers)
        ]
    for linter, version in versions:
        tally.versions[linter.label or linter.tool] = version.result()
    for linter, future in futures:
        try:
            tally.merge(future.result())
        except LintOutputError as exc:
            return _error(f"{linter.name} failed: {exc}", started)
    if not tally.checked and not tally.unchecked:
        return _nothing_to_lint(req, started)
    return _result(tally, started)


def _lint_with(req: Request, linter: Linter, targets: list[str]) -> _Tally:
    tally = _Tally()
    tool = proc.require(linter.tool, linter.install_hint)
    if linter.cannot is not None:
        targets = _set_aside(req.project, linter, targets, tally)
    if linter.text_only:
        targets, unreadable = _readable(req.project, targets)
        tally.findings += (_to_finding(linter, req.project, r) for r in unreadable)
        tally.checked.update(r.path for r in unreadable)
    raws, failed = _run(linter, tool, req, targets) if targets else ([], {})
    names = _lossy_names(targets)
    # dict.fromkeys: a problem reported twice (a .NET project inside a solution) counts once
    tally.findings += (_to_finding(linter, req.project, r, names) for r in dict.fromkeys(raws))
    for path, reason in failed.items():
        tally.unchecked.append(
            Unchecked(path, f"{linter.name} could not check it: {reason}", 1, linter.install_hint)
        )
    tally.checked.update(t for t in targets if t not in failed)
    return tally


def _parts(linter: Linter, targets: list[str], workers: int) -> list[list[str]]:
    """A linter's files in calls: shared among the workers when the tool starts fast."""
    size = len(targets)
    if linter.split:
        size = max(-(-len(targets) // workers), linter.split)
    size = min(size, linter.chunk)
    return [targets[i : i + size] for i in range(0, len(targets), size)]


def _set_aside(project: Path, linter: Linter, targets: list[str], tally: _Tally) -> list[str]:
    """The targets the linter can check; the others are counted as unchecked, grouped by why."""
    assert linter.cannot is not None
    why = {t: linter.cannot(project, t) for t in targets}
    reasons: dict[str, int] = {}
    for reason in why.values():
        if reason is not None:
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        noun = "file" if count == 1 else "files"
        what = f"{count} {linter.language} {noun} ({linter.name})"
        tally.unchecked.append(Unchecked(what, reason, count, reason.rpartition(": ")[2]))
    return [t for t in targets if why[t] is None]


def _unavailable(linter: Linter, why: str, count: int) -> Unchecked:
    noun = "file" if count == 1 else "files"
    return Unchecked(
        f"{count} {linter.language} {noun} ({linter.name})",
        f"{why}: not linted",
        count,
        linter.install_hint,
    )


def _selected(req: Request, files: Iterable[str]) -> list[str]:
    """Files under the `paths` option (all when it is empty)."""
    roots = [p.strip("/").removeprefix("./") for p in req.options["paths"]]
    if not roots or "" in roots or "." in roots:
        return list(files)
    return [f for f in files if any(f == r or f.startswith(r + "/") for r in roots)]


_VERSIONS: dict[
    tuple[str, tuple[str, ...]], str
] = {}  # (tool path, argv) -> version, once a process
_NUMBER = re.compile(r"\d+\.\d+(?:\.\d+)*")


def _version(linter: Linter) -> str:
    """The tool's version; a tool's own `--version` is remembered across runs by the binary's
    identity (`tools.versions`), a probe of something else (a module's version) once a process."""
    tool = proc.require(linter.tool, linter.install_hint)
    if linter.label is None:
        return versions.version(tool, partial(_ask_version, linter.version_argv))
    key = (tool, linter.version_argv)
    if key not in _VERSIONS:
        _VERSIONS[key] = _ask_version(linter.version_argv, tool)
    return _VERSIONS[key]


def _ask_version(argv: tuple[str, ...], tool: str) -> str:
    done = proc.run([tool, *argv], timeout=30)
    number = _NUMBER.search(done.stdout.strip() or done.stderr.strip())
    return number.group() if number else "unknown"


def _run(
    linter: Linter, tool: str, req: Request, files: list[str]
) -> tuple[list[Raw], dict[str, str]]:
    """Problems found, and the files the tool failed on (each retried alone to find them).

    When it fails on every file the tool or its config is broken: LintOutputError.
    """
    raws: list[Raw] = []
    failed: dict[str, str] = {}
    size = linter.chunk
    for i in range(0, len(files), size):
        chunk = files[i : i + size]
        try:
            raws += _call(linter, tool, req, chunk)
        except LintOutputError as exc:
            whole = linter.argv(tool, req.project, chunk) == linter.argv(tool, req.project, [])
            if len(chunk) == 1 or whole or "timed out" in str(exc):  # whole: it ignores the list
                failed.update(dict.fromkeys(chunk, str(exc)))
                continue
            for name in chunk:
                try:
                    raws += _call(linter, tool, req, [name])
                except LintOutputError as one:
                    failed[name] = str(one)
    if failed and len(failed) == len(files):
        raise LintOutputError(next(iter(failed.values())))
    return raws, failed


def _call(linter: Linter, tool: str, req: Request, files: list[str]) -> list[Raw]:
    argv = linter.argv(tool, req.project, files)
    done = proc.run(argv, cwd=req.project, timeout=req.timeout)
    if done.timed_out:
        raise LintOutputError(f"timed out after {req.timeout:g} s")
    if done.returncode not in linter.ok_codes:
        raise LintOutputError(done.describe())
    return linter.parse(done)


def _readable(project: Path, files: list[str]) -> tuple[list[str], list[Raw]]:
    """Files the tool can read, and one `unreadable` problem per file that is not UTF-8 text."""
    good: list[str] = []
    bad: list[Raw] = []
    for name in files:
        path = project / name
        try:
            data = path.read_bytes() if path.is_file() else None
            if data is None:
                raise OSError("not a regular file")
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad.append(
                Raw(
                    "unreadable",
                    name,
                    1,
                    message=f"not UTF-8 text ({exc.reason} at byte {exc.start}): the linter cannot read it",
                    url=_ENCODINGS,
                    fix="save the file as UTF-8",
                )
            )
            continue
        except OSError as exc:
            bad.append(
                Raw(
                    "unreadable",
                    name,
                    None,
                    message=f"cannot be read: {exc.strerror or exc}",
                    url=_ENCODINGS,
                    fix="make it a readable regular file, or leave it out with `paths`",
                )
            )
            continue
        good.append(name)
    return good, bad


def _first_line(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            return fh.readline(200).decode("utf-8", "replace")
    except OSError:
        return ""


def _lossy_names(targets: Iterable[str]) -> dict[str, str]:
    """A tool prints a file name that is not UTF-8 with U+FFFD in it: that name -> the file."""
    lossy = {fsutil.fs_bytes(t).decode("utf-8", "replace"): t for t in targets}
    return {shown: name for shown, name in lossy.items() if shown != name}


def _to_finding(
    linter: Linter, project: Path, raw: Raw, names: dict[str, str] | None = None
) -> Finding:
    rule = _visible(raw.rule)[:100]
    path = _relative(project, raw.path) if raw.path else ""
    path = (names or {}).get(path, path)
    message = _visible(raw.message or rule)
    snippet = _source_line(project / path, raw.line) if path else message
    return Finding(
        stage=STAGE,
        tool=linter.name,
        rule_id=rule,
        message=message,
        severity=raw.severity or linter.severity(rule),
        fingerprint=fingerprint(rule, path, snippet),
        location=Location(path, raw.line, raw.col, raw.end_line, raw.end_col) if path else None,
        help_uri=raw.url,
        help_text=_visible(raw.fix) if raw.fix else None,
    )


def _result(tally: _Tally, started: float) -> StageResult:
    findings = sorted(tally.findings, key=_order)
    files_with = {f.location.path for f in findings if f.location}
    checked = len(tally.checked)
    summary = (
        f"{len(findings)} finding(s) in {len(files_with)} of {checked} file(s)"
        if findings
        else f"{checked} file(s) clean"
    )
    summary += "".join(f" ({note})" for note in tally.notes)
    return StageResult(
        stage=STAGE,
        status=Status.WARNED if tally.unchecked else Status.PASSED,
        findings=tuple(findings),
        metrics=(Metric("files", checked), Metric("findings", len(findings))),
        duration=time.monotonic() - started,
        tool_versions=tuple(sorted(tally.versions.items())),
        summary=summary,
        unchecked=tuple(tally.unchecked),
    )


def _nothing_to_lint(req: Request, started: float) -> StageResult:
    paths = list(req.options["paths"])
    scope = f" under {', '.join(paths)}" if paths else ""
    languages = " or ".join(sorted({lt.language for lt in enabled(req)})) or "lintable"
    return StageResult(
        stage=STAGE,
        status=Status.SKIPPED,
        summary=f"nothing to lint: no {languages} files{scope}",
        duration=time.monotonic() - started,
    )


def _error(summary: str, started: float) -> StageResult:
    return StageResult(
        stage=STAGE, status=Status.ERROR, summary=summary, duration=time.monotonic() - started
    )


def _order(finding: Finding) -> tuple[str, int, int]:
    loc = finding.location or Location("")
    return loc.path, loc.start_line or 0, loc.start_col or 0


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)


def _relative(project: Path, filename: str) -> str:
    path = project / filename  # ruff reports absolute paths; a relative one is relative to its cwd
    try:
        return path.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _source_line(path: Path, line: int | None) -> str:
    """The text of `line` (1-based) in `path`, or "" when it cannot be read."""
    if not line:
        return ""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            for number, text in enumerate(fh, start=1):
                if number == line:
                    return text.rstrip("\r\n")
    except OSError:
        return ""
    return ""

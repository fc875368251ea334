"""Reports of one run: SARIF, JUnit XML, JSON, Markdown and HTML, written side by side."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path

from lockgate.errors import LockgateError
from lockgate.model import Run
from lockgate.reports.interface import FormatName, ReportFormat
from lockgate.reports.jsonreport import run_from_json
from lockgate.reports.registry import FORMATS

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def render(run: Run, fmt: str) -> str:
    """The text of one report; `fmt` is html, sarif, junit, json or md."""
    return get_format(fmt).render(run)


def get_format(fmt: str) -> ReportFormat:
    try:
        return FORMATS[fmt]
    except KeyError:
        close = difflib.get_close_matches(fmt, FORMATS, n=1)
        guess = f"did you mean {close[0]!r}? " if close else ""
        raise LockgateError(
            f"unknown report format {fmt!r}",
            hint=f"{guess}choose one of: {', '.join(FORMATS)}",
        ) from None


def write_reports(
    run: Run,
    out_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
    warnings: list[str] | None = None,
) -> dict[str, Path]:
    """Write every format into out_dir (created if needed); format name -> file written.

    Appends summary.md to $GITHUB_STEP_SUMMARY when it is set (`env` defaults to os.environ).
    An unwritable directory raises LockgateError (exit 2) naming the path; so does an unwritable
    summary file, unless `warnings` is given: then the problem is added to it and the reports
    stand (a run's verdict must not turn into "bad input" because of a CI side channel).
    """
    env = os.environ if env is None else env
    texts = {name: fmt.render(run) for name, fmt in FORMATS.items()}  # render all before writing
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(out_dir, exc) from None
    written = {name: _write(out_dir / FORMATS[name].filename, text) for name, text in texts.items()}
    summary = env.get(STEP_SUMMARY_ENV)
    if summary:
        try:
            _append_step_summary(Path(summary), texts[FormatName.MARKDOWN.value])
        except LockgateError as exc:
            if warnings is None:
                raise
            warnings.append(exc.render().removeprefix("error: ").replace("\n  fix:", ";"))
    return written


def _write(path: Path, text: str) -> Path:
    """Write via a temporary file and rename, so a reader never sees half a report."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _unwritable(path, exc) from None
    return path


def _append_step_summary(path: Path, markdown: str) -> None:
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(markdown + "\n")
    except OSError as exc:
        raise LockgateError(
            f"cannot append the summary to ${STEP_SUMMARY_ENV}: {exc.strerror or exc}",
            where=str(path),
            hint=f"point {STEP_SUMMARY_ENV} at a writable file, or unset it outside GitHub Actions",
        ) from None


def _unwritable(path: Path, exc: OSError) -> LockgateError:
    return LockgateError(
        f"cannot write reports: {exc.strerror or exc}",
        where=str(path),
        hint="choose a writable report directory (e.g. --report-dir) or fix its permissions",
    )


__all__ = [
    "FORMATS",
    "FormatName",
    "ReportFormat",
    "get_format",
    "render",
    "run_from_json",
    "write_reports",
]

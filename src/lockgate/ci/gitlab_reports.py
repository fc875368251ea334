"""`python -m lockgate.ci.gitlab_reports DIR`: GitLab's own report files from a run's results.json.

The GitLab export runs it after each stage job, so the merge request shows lockgate's findings in
GitLab's Code Quality widget and its security reports. Reads DIR/results.json, writes the files
next to it: the Code Quality report always, each security report (SAST, secret detection,
dependency scanning) when the run has its stage.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lockgate.errors import LockgateError
from lockgate.model import Run
from lockgate.reports.gitlab_codequality import GitlabCodeQualityReport
from lockgate.reports.gitlab_security import REPORTS, GitlabSecurityReport
from lockgate.reports.interface import ReportFormat
from lockgate.reports.jsonreport import run_from_json

WRITERS: tuple[ReportFormat, ...] = (GitlabCodeQualityReport(), *REPORTS)


def write(folder: Path) -> list[Path]:
    """Every GitLab report of the run in `folder`; LockgateError when its results.json is unusable."""
    source = folder / "results.json"
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise LockgateError(
            f"cannot read the run's results: {exc.strerror}",
            where=str(source),
            hint="pass the folder `lockgate run --report-dir` wrote",
        ) from None
    run = run_from_json(text, source=str(source))
    written = []
    for writer in WRITERS:
        if not _applies(writer, run):
            continue
        path = folder / writer.filename
        try:
            path.write_text(writer.render(run), encoding="utf-8")
        except OSError as exc:
            raise LockgateError(
                f"cannot write {writer.filename}: {exc.strerror}",
                where=str(path),
                hint="check that the report folder is writable",
            ) from None
        written.append(path)
    return written


def _applies(writer: ReportFormat, run: Run) -> bool:
    return not isinstance(writer, GitlabSecurityReport) or writer.applies(run)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m lockgate.ci.gitlab_reports REPORT_DIR", file=sys.stderr)
        return 2
    try:
        for path in write(Path(argv[0])):
            print(f"wrote {path}")
    except LockgateError as exc:
        print(exc.render(), file=sys.stderr)
        return int(exc.exit_code)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

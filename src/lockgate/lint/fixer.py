"""Apply each linter's safe automatic fixes (`lockgate fix`) and say which files they changed.

Only fixes the tools themselves call safe: `ruff check --fix` (never --unsafe-fixes), `ruff
format`, `pymarkdown fix`, the Terraform layout, `rubocop --autocorrect`, `dotnet format`.
A file counts as changed when its bytes differ after the tool ran.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from lockgate import fsutil
from lockgate.lint import engine
from lockgate.lint.interface import Linter
from lockgate.tools import proc


@dataclass(frozen=True)
class Fixed:
    """What one linter changed (possibly nothing) in the files it claims."""

    linter: str
    changed: tuple[str, ...]
    checked: int


@dataclass(frozen=True)
class NotFixed:
    """A linter with files to fix that could not run or failed: why, and how to make it run."""

    linter: str
    files: int
    reason: str
    fix: str


def fix(req: engine.Request) -> list[Fixed | NotFixed]:
    files = fsutil.project_files(req.project)
    done: list[Fixed | NotFixed] = []
    for linter in engine.enabled(req):
        if linter.fix_argv is None:
            continue
        targets = engine.claimed(req, linter, files)
        if targets:
            done.append(_fix_with(req, linter, targets))
    return done


def _fix_with(req: engine.Request, linter: Linter, targets: list[str]) -> Fixed | NotFixed:
    why = engine.why_not(linter)
    if why is not None:
        return NotFixed(linter.name, len(targets), why, linter.install_hint)
    assert linter.fix_argv is not None
    tool = proc.require(linter.tool, linter.install_hint)
    before = {t: _digest(req.project / t) for t in targets}
    size = min(linter.chunk, 500)
    for i in range(0, len(targets), size):
        argv = linter.fix_argv(tool, req.project, targets[i : i + size])
        ran = proc.run(argv, cwd=req.project, timeout=req.timeout)
        if ran.timed_out or ran.returncode not in linter.ok_codes:
            partly = [t for t in targets if _digest(req.project / t) != before[t]]
            note = f"; it had already changed {', '.join(partly)}" if partly else ""
            return NotFixed(
                linter.name, len(targets), f"{ran.describe()}{note}", linter.install_hint
            )
    changed = tuple(t for t in targets if _digest(req.project / t) != before[t])
    return Fixed(linter.name, changed, len(targets))


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""

"""`todos`: a lockgate stage that flags TODO and FIXME notes left in the project's files.

A worked example of a third-party stage: the class declares what it is (a check that reads the
tree, so `build` waits for it), its options (the `[stages.todos]` table, validated and documented
by lockgate), and three methods. It runs no process, prints nothing and writes nothing.
"""

from __future__ import annotations

import re
import time
from typing import ClassVar

from lockgate import fsutil
from lockgate.config.options import Option
from lockgate.model import Finding, Location, Metric, Severity, StageResult, Status, fingerprint
from lockgate.stages.interface import Input, StageContext, StageKind

TEXT = ("*.py", "*.js", "*.ts", "*.cs", "*.rb", "*.go", "*.java", "*.md", "*.toml", "*.yml")
MAX_BYTES = 1_000_000  # a larger file is named as unchecked, not read


class TodoStage:
    name: ClassVar[str] = "todos"
    description: ClassVar[str] = "TODO and FIXME notes left in the code (example plugin)"
    kind: ClassVar[StageKind] = StageKind.CHECK
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[tuple[Option, ...]] = (
        Option("words", "list[str]", ["TODO", "FIXME"], "Words that mark a note to flag"),
        Option("fail_on", "str", "info", "Lowest severity that fails the gate (notes are info)"),
    )

    def available(self, ctx: StageContext) -> str | None:
        return None  # pure Python: runs anywhere lockgate does

    def cache_key(self, ctx: StageContext) -> str | None:
        files = fsutil.matching(fsutil.project_files(ctx.project), TEXT)
        return fsutil.digest_files(ctx.project, files)

    def run(self, ctx: StageContext) -> StageResult:
        started = time.monotonic()
        words = [re.escape(w) for w in ctx.options["words"]]
        pattern = re.compile(rf"\b({'|'.join(words)})\b[:(]?\s*(.*)") if words else None
        files = fsutil.matching(fsutil.project_files(ctx.project), TEXT)
        findings: list[Finding] = []
        too_big: list[str] = []
        for rel in files:
            path = ctx.project / rel
            if path.stat().st_size > MAX_BYTES:
                too_big.append(rel)
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), start=1):
                found = pattern.search(line) if pattern else None
                if found:
                    findings.append(_finding(rel, number, found[1], found[2], line))
        summary = f"{len(findings)} note(s) in {len(files) - len(too_big)} file(s)"
        if too_big:
            summary += (
                f"; {len(too_big)} file(s) over {MAX_BYTES} bytes not read: {', '.join(too_big)}"
            )
        return StageResult(
            stage=self.name,
            status=Status.WARNED if too_big else Status.PASSED,  # never clean for what it skipped
            findings=tuple(findings),
            metrics=(Metric("notes", len(findings)),),
            duration=time.monotonic() - started,
            summary=summary,
        )


def _finding(rel: str, line: int, word: str, note: str, text: str) -> Finding:
    return Finding(
        stage="todos",
        tool="lockgate-todos",
        rule_id=word.lower(),
        message=f"{word}: {note.strip() or '(no text)'}"[:300],
        severity=Severity.INFO,
        fingerprint=fingerprint(word.lower(), rel, text.strip()),
        location=Location(rel, line),
        help_text="do it, file an issue and link it, or delete the note",
    )

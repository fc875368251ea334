"""What the engine tells the outside world while it runs, and the progress displays that listen."""

from __future__ import annotations

import enum
import os
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TextIO

from lockgate.model import StageResult, Status
from lockgate.reports.text import one_line

if TYPE_CHECKING:
    from rich.table import Table


class EventKind(enum.StrEnum):
    QUEUED = "queued"
    STARTED = "started"
    FINISHED = "finished"


@dataclass(frozen=True)
class StageEvent:
    kind: EventKind
    stage: str
    result: StageResult | None = None


class Progress(Protocol):
    def __call__(self, event: StageEvent) -> None: ...
    def close(self) -> None: ...


_LABEL = {
    Status.PASSED: "passed",
    Status.FAILED: "FAILED",
    Status.WARNED: "warned",
    Status.SKIPPED: "skipped",
    Status.ERROR: "ERROR",
}


def describe(result: StageResult) -> str:
    """One line about a finished stage: state, elapsed, cached, and why."""
    label = _LABEL[result.status] + (" (cached)" if result.cached else "")
    why = f" — {one_line(result.summary, 300)}" if result.summary else ""
    return f"{result.stage:<14} {label:<17} {result.duration:6.2f}s{why}"


class PlainProgress:
    """Line by line, for logs and CI: one line when a stage starts, one when it ends."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, event: StageEvent) -> None:
        if event.kind is EventKind.STARTED:
            print(f"{event.stage:<14} running", file=self.stream, flush=True)
        elif event.kind is EventKind.FINISHED and event.result is not None:
            print(describe(event.result), file=self.stream, flush=True)

    def close(self) -> None:
        pass


class LiveProgress:
    """A live table for terminals: one row per stage with its state and elapsed time."""

    def __init__(self, stream: TextIO, stages: tuple[str, ...]) -> None:
        from rich.console import Console
        from rich.live import Live

        self.rows: dict[str, tuple[str, float, StageResult | None]] = {
            s: ("waiting", 0.0, None) for s in stages
        }
        self.live = Live(
            get_renderable=self._render,
            console=Console(file=stream),
            refresh_per_second=8,
            transient=False,
        )
        self.live.start()

    def __call__(self, event: StageEvent) -> None:
        if event.kind is EventKind.STARTED:
            self.rows[event.stage] = ("running", time.monotonic(), None)
        elif event.kind is EventKind.FINISHED:
            self.rows[event.stage] = ("done", 0.0, event.result)
        self.live.refresh()

    def _render(self) -> Table:
        from rich.table import Table

        table = Table(box=None, show_header=False, pad_edge=False)
        for stage, (state, since, result) in self.rows.items():
            if result is not None:
                table.add_row(
                    _styled(result),
                    f"{result.duration:.2f}s",
                    _escape(one_line(result.summary, 300)),
                )
            elif state == "running":
                table.add_row(
                    f"{stage:<14} [cyan]running[/]", f"{time.monotonic() - since:.1f}s", ""
                )
            else:
                table.add_row(f"{stage:<14} [dim]waiting[/]", "", "")
        return table

    def close(self) -> None:
        self.live.stop()


def _styled(result: StageResult) -> str:
    from rich.markup import escape

    colour = {
        Status.PASSED: "green",
        Status.FAILED: "bold red",
        Status.WARNED: "yellow",
        Status.SKIPPED: "dim",
        Status.ERROR: "bold red",
    }[result.status]
    cached = " (cached)" if result.cached else ""
    return f"{escape(result.stage):<14} [{colour}]{_LABEL[result.status]}{cached}[/]"


def choose_progress(stream: TextIO | None, stages: tuple[str, ...]) -> Progress:
    """Live display on a terminal; plain lines when not a terminal or when CI is set."""
    stream = stream or sys.stderr
    if stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb":
        return LiveProgress(stream, stages)
    return PlainProgress(stream)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)

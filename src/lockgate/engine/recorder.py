"""Record a run in the store while it runs, and survive the store going away halfway.

A store outage mid-run must not lose the run's reports: after the first failed write the
recorder stops writing, keeps the reason, and the pipeline finishes the run, writes its reports
and then says the store failed (exit 2).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from lockgate.errors import LockgateError
from lockgate.model import RunStatus, StageResult
from lockgate.store.database import StoreBug
from lockgate.store.repository import Store


class Recorder:
    """The store's run-writing methods (same names), turned into no-ops after a failure."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.failure: str | None = None  # the first store error, ready to show

    def save_result(self, run_id: str, result: StageResult, *, position: int) -> None:
        self._write(lambda: self._store.save_result(run_id, result, position=position))

    def finish_run(self, run_id: str, status: RunStatus, finished: datetime) -> None:
        self._write(lambda: self._store.finish_run(run_id, status, finished))

    def _write(self, write: Callable[[], None]) -> None:
        if self.failure is not None:
            return
        try:
            write()
        except LockgateError as exc:
            self.failure = exc.render().removeprefix("error: ")
        except StoreBug as exc:
            self.failure = str(exc)

    def failure_message(self, report_dir: str) -> str | None:
        """What to tell the user when the store failed: the run is not (fully) recorded."""
        if self.failure is None:
            return None
        return (
            f"the run store failed during the run, so this run is not fully recorded "
            f"(history, baselines and deploy checks will not see it); its reports are in "
            f"{report_dir}\n  store error: {self.failure}"
        )

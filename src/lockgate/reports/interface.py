"""The report-format port: every format turns one finished Run into the text of one file."""

from __future__ import annotations

import enum
from typing import Protocol

from lockgate.model import Run


class FormatName(enum.StrEnum):
    """The report formats lockgate writes (the `fmt` accepted by `lockgate.reports.render`)."""

    SARIF = "sarif"
    JUNIT = "junit"
    JSON = "json"
    MARKDOWN = "md"
    HTML = "html"


class ReportFormat(Protocol):
    name: str  # a FormatName value
    filename: str  # the file write_reports() writes it to

    def render(self, run: Run) -> str:
        """The whole document. Never embeds file contents; strings are escaped for the format."""
        ...

"""The report formats by name, one line each."""

from __future__ import annotations

from lockgate.reports.html import HtmlReport
from lockgate.reports.interface import FormatName, ReportFormat
from lockgate.reports.jsonreport import JsonReport
from lockgate.reports.junit import JunitReport
from lockgate.reports.markdown import MarkdownReport
from lockgate.reports.sarif import SarifReport

FORMATS: dict[str, ReportFormat] = {
    FormatName.SARIF.value: SarifReport(),
    FormatName.JUNIT.value: JunitReport(),
    FormatName.JSON.value: JsonReport(),
    FormatName.MARKDOWN.value: MarkdownReport(),
    FormatName.HTML.value: HtmlReport(),
}

"""Small helpers shared by the formats: safe text, stable ordering, times and durations."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from lockgate.model import Finding, FindingState, Run, Status

# Characters XML 1.0 forbids (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Legal but deceptive: DEL and C1 controls (a terminal takes U+009B as an escape sequence) and the
# bidi controls that make text read differently from what it is ("Trojan Source", CVE-2021-42574).
_SURROGATE = re.compile("[\ud800-\udfff]")
_DECEPTIVE = re.compile("[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_STATE_ORDER = {
    FindingState.OPEN: 0,
    FindingState.BELOW_THRESHOLD: 1,
    FindingState.KNOWN: 2,
    FindingState.SUPPRESSED: 3,
}


def clean(text: str) -> str:
    """Safe to show anywhere: drop characters no XML/HTML document may carry (NUL, ESC, ...) and
    show C1 and bidi controls as visible escapes (U+202E -> `\\u202e`), as well as lone
    surrogates: a file name that is not UTF-8 (`caf\\udce9.py`) is shown, never silently cut."""
    return _DECEPTIVE.sub(_visible, legal(_SURROGATE.sub(_visible, text)))


def legal(text: str) -> str:
    """Only drop what XML forbids (for text that is escaped further, such as URIs)."""
    return _XML_ILLEGAL.sub("", text)


def _visible(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def one_line(text: str, limit: int = 200) -> str:
    """Collapse whitespace (newlines included) and cut to `limit` characters with an ellipsis."""
    flat = " ".join(clean(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def finding_order(finding: Finding) -> tuple[object, ...]:
    """Open first, worst severity first, then by place and rule: a stable order for every format."""
    loc = finding.location
    return (
        _STATE_ORDER[finding.state],
        -finding.severity.rank,
        loc.path if loc else (finding.url or ""),
        (loc.start_line or 0) if loc else 0,
        (loc.start_col or 0) if loc else 0,
        finding.selector or "",
        finding.rule_id,
        finding.fingerprint,
    )


def sorted_findings(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    return sorted(findings, key=finding_order)


def all_findings(run: Run) -> list[Finding]:
    return [f for result in run.results for f in result.findings]


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z (naive datetimes are taken as UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def duration(seconds: float) -> str:
    """'0.4 s', '12 s', '3 min 05 s', '1 h 02 min'."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def run_duration(run: Run) -> float | None:
    if run.finished is None:
        return None
    return max((run.finished - run.started).total_seconds(), 0.0)


STATUS_SYMBOL: dict[Status, str] = {
    Status.PASSED: "✅",
    Status.FAILED: "❌",
    Status.WARNED: "⚠️",
    Status.SKIPPED: "⏭️",
    Status.ERROR: "💥",
}


def state_label(finding: Finding) -> str:
    """Words for what the gate decided, with the reason when there is one."""
    base = {
        FindingState.OPEN: "open",
        FindingState.BELOW_THRESHOLD: "below threshold",
        FindingState.KNOWN: "known (in baseline)",
        FindingState.SUPPRESSED: "suppressed",
    }[finding.state]
    return f"{base}: {finding.state_reason}" if finding.state_reason else base

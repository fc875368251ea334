"""Resolve value digests for foreign engines, merge what several engines found, build redacted Findings."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from lockgate.model import Finding, FindingState, Location, Severity, fingerprint
from lockgate.secrets import allow, examples, formats
from lockgate.secrets.candidate import Candidate
from lockgate.secrets.engines import GENERIC_RULES, LOCKGATE, PRIORITY
from lockgate.secrets.redact import short
from lockgate.secrets.rules import TAGS, find_spans
from lockgate.secrets.sources import LineSource
from lockgate.secrets.valueid import ValueIds

_TOKEN = re.compile(r"[^\s'\"`=:,;()<>\[\]{}]+")
_QUOTED = re.compile(r"\"([^\"]+)\"|'([^']+)'")
_BRUTE_LIMIT = 300  # lines up to this long are searched exhaustively for a detect-secrets value
_ASSIGN = re.compile(r"=>|:=|[=:]")
EXAMPLE_HELP = (
    "Sample credentials in documentation, examples and tests (scott:tiger, user:pass@example.com,"
    " changeme, xxxx, <password>, ${VAR}, published sample keys) are reported at info and do not"
    ' fail the gate. To fail on them, set `example_severity = "high"` under [stages.secrets].'
)


@dataclass(frozen=True)
class Group:
    """One secret at one place, as reported by one or more engines."""

    candidates: tuple[Candidate, ...]

    @property
    def primary(self) -> Candidate:
        return min(self.candidates, key=lambda c: (PRIORITY.get(c.engine, 9), c.rule_id))


def resolve(
    candidates: Iterable[Candidate], lines: LineSource, ids: ValueIds
) -> tuple[list[Candidate], Counter[str]]:
    """Fill in the value id of candidates that came with a locator instead (sha1 or columns).

    A value in a known non-secret format (an integrity hash, a checksum; for generic rules also a
    code expression) is dropped, counted by format; a known sample is marked as an example, as
    lockgate's own rules mark theirs. Returns (kept, dropped per format).
    """
    out: list[Candidate] = []
    dropped: Counter[str] = Counter()
    for c in candidates:
        if c.digest is None:
            text = lines.line(c.path, c.line, c.commit)
            value = _value_from_line(text, c.locator or "") if text else None
            if value is not None:
                generic = (c.engine, c.rule_id) in GENERIC_RULES
                known = formats.known_format(value, text, c.path, generic=generic)
                if known:
                    dropped[known] += 1
                    continue
                example = examples.in_line(value, text, c.path)
                c = replace(c, digest=ids.of(value), example=example)
        out.append(c)
    return out, dropped


def _value_from_line(text: str, locator: str) -> str | None:
    kind, _, rest = locator.partition(":")
    own = [text[a:b] for a, b in find_spans(text)]
    if kind == "sha1":
        for value in _values(text, own):
            if hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest() == rest:
                return value
        return None
    if kind == "cols":
        start, _, end = rest.partition(":")
        a, b = max(0, int(start) - 2), int(end) + 1
        for (s, e), value in zip(find_spans(text), own, strict=True):
            if s < b and e > a:
                return value
        window = text[a:b]
        # gitleaks' span is `key = value` for keyword rules: the value follows the last operator
        tokens = _TOKEN.findall(_ASSIGN.split(window)[-1]) or _TOKEN.findall(window)
        return max(tokens, key=len) if tokens else None
    return None


def _values(text: str, own: list[str]) -> Iterable[str]:
    yield from own
    yield from _TOKEN.findall(text)
    for m in _QUOTED.finditer(text):
        yield m.group(1) or m.group(2)
    if len(text) <= _BRUTE_LIMIT:
        for i in range(len(text)):
            for j in range(i + 4, len(text) + 1):
                yield text[i:j]


def group_tree(candidates: Iterable[Candidate]) -> list[Group]:
    """Working-tree candidates grouped by place: one finding per (path, line)."""
    groups: dict[tuple[str, int], list[Candidate]] = {}
    for c in candidates:
        groups.setdefault((c.path, c.line), []).append(c)
    return [Group(tuple(g)) for _, g in sorted(groups.items())]


def group_history(candidates: Iterable[Candidate], tree: list[Group]) -> list[Group]:
    """History candidates grouped by (path, value); values still in the working tree are left to it."""
    in_tree = {(c.path, c.digest) for g in tree for c in g.candidates if c.digest}
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for c in candidates:
        key = (c.path, c.digest or f"{c.commit}:{c.line}")
        if (c.path, c.digest) not in in_tree:
            groups.setdefault(key, []).append(c)
    return [Group(tuple(g)) for _, g in sorted(groups.items())]


def finding(
    stage: str, group: Group, line_text: str, example_severity: Severity = Severity.INFO
) -> Finding:
    """The redacted Finding for a group; an allow marker with a reason on `line_text` suppresses it.

    A group whose every value is a known sample becomes one `example-credential` finding at
    `example_severity`.
    """
    real = [c for c in group.candidates if c.example is None]
    if not real:
        return _example_finding(stage, group, line_text, example_severity)
    p = Group(tuple(real)).primary
    rule_id = p.rule_id if p.engine == LOCKGATE else f"{p.engine}.{p.rule_id}"
    value_id = p.digest or next((c.digest for c in real if c.digest), None)
    severity = max((c.severity for c in real), key=lambda s: s.rank)
    others = sorted(
        {f"{c.engine}:{c.rule_id}" for c in group.candidates} - {f"{p.engine}:{p.rule_id}"}
    )
    where = f"{p.path}:{p.line}"
    history = f" in commit {p.commit[:12]}" if p.commit and p.commit != ":" else ""
    message = (
        f"{_title(p)} at {where}{history} (value redacted,"
        f" {short(value_id) if value_id else 'value unresolved'})"
        + (f"; also found by {', '.join(others)}" if others else "")
        + ". Remove it from the code and rotate it; if it is not a secret, add"
        ' `lockgate: allow-secret reason="..."` to the line.'
    )
    state, reason = _allowed(line_text)
    return Finding(
        stage=stage,
        tool=p.engine,
        rule_id=rule_id,
        message=message,
        severity=severity,
        fingerprint=fingerprint(rule_id, p.path, value_id or f"{p.locator}:{p.commit}"),
        location=Location(p.path, p.line, p.column, p.end_line),
        help_uri=p.help_uri,
        help_text=p.help_text,
        tags=TAGS + (("git-history",) if history else ()),
        state=state,
        state_reason=reason,
    )


def _example_finding(stage: str, group: Group, line_text: str, severity: Severity) -> Finding:
    p = group.primary
    value_id = p.digest or next((c.digest for c in group.candidates if c.digest), None)
    where = f"{p.path}:{p.line}"
    history = f" in commit {p.commit[:12]}" if p.commit and p.commit != ":" else ""
    message = (
        f"Example credential at {where}{history}: {_title(p).lower()} that is {p.example}"
        f" (value redacted, {short(value_id) if value_id else 'value unresolved'}). Reported at"
        f" {severity.value}; if it is a real credential after all, remove it and rotate it."
    )
    state, reason = _allowed(line_text)
    return Finding(
        stage=stage,
        tool=p.engine,
        rule_id=examples.RULE,
        message=message,
        severity=severity,
        fingerprint=fingerprint(examples.RULE, p.path, value_id or f"{p.locator}:{p.commit}"),
        location=Location(p.path, p.line, p.column, p.end_line),
        help_uri=p.help_uri,
        help_text=EXAMPLE_HELP,
        tags=TAGS + ("example",) + (("git-history",) if history else ()),
        state=state,
        state_reason=reason,
    )


def _title(c: Candidate) -> str:
    return c.title.removesuffix(" (gitleaks)").removesuffix(" (detect-secrets)")


def _allowed(line_text: str) -> tuple[FindingState, str | None]:
    marker = allow.marker(line_text) if "allow-secret" in line_text else None
    if marker is not None and marker.reason:
        return FindingState.SUPPRESSED, f"allow-secret: {marker.reason}"
    return FindingState.OPEN, None


def bare_marker_finding(stage: str, path: str, line: int, line_text: str) -> Finding:
    rule_id = "allow-secret-without-reason"
    return Finding(
        stage=stage,
        tool=LOCKGATE,
        rule_id=rule_id,
        message=f"{path}:{line}: the allow-secret marker has no reason, so it allows nothing;"
        ' write `lockgate: allow-secret reason="why this is not a secret"`.',
        severity=Severity.MEDIUM,
        fingerprint=fingerprint(rule_id, path, line_text),
        location=Location(path, line),
        help_text="Every allowed secret finding must say why (reviewers and auditors read it).",
        tags=("security",),
    )


def ignore_file_finding(stage: str, path: str) -> Finding:
    """gitleaks always honours a .gitleaksignore in the scanned folder: say so, never hide it."""
    rule_id = "gitleaks-ignore-file"
    return Finding(
        stage=stage,
        tool=LOCKGATE,
        rule_id=rule_id,
        message=f"{path} makes gitleaks skip findings without saying why; lockgate's own rules and"
        " detect-secrets still run. Move each entry to a lockgate suppression (with a reason and an"
        ' expiry) or a `lockgate: allow-secret reason="..."` marker, then delete the file.',
        severity=Severity.MEDIUM,
        fingerprint=fingerprint(rule_id, path, ""),
        location=Location(path, 1),
        help_text="Every allowed secret finding must say why (reviewers and auditors read it).",
        tags=("security",),
    )

"""lockgate's own secret rules: the formats this team uses that the upstream scanners miss or blur.

Each rule names literal anchors (text every match contains); only the lines around an anchor are
searched with the rule's pattern, so a 70 MB tree costs a few `str.find` passes, not a regex
pass per rule. A match whose value is a known sample (`scott:tiger`, AWS's EXAMPLE key, `xxxx`)
comes back marked as an example, reported at info under `example-credential`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lockgate.model import Severity
from lockgate.secrets import examples, formats
from lockgate.secrets.valueid import ValueIds, process_ids

CWE_798 = "https://cwe.mitre.org/data/definitions/798.html"
TAGS = ("CWE-798", "security", "secret")

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_MULTILINE_REACH = 65_536  # characters after an anchor a multi-line match (a PEM body) may take

Keep = Callable[[re.Match[str]], bool]
Example = Callable[[re.Match[str], str], str | None]  # (match, path) -> why it is a sample


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: Severity
    pattern: re.Pattern[str]
    help_text: str
    anchors: tuple[str, ...]  # literal text every match contains (searched case-sensitively)
    anchor_re: re.Pattern[str] | None = None  # or a pattern starting with a literal (fast)
    help_uri: str = CWE_798
    group: int = 0  # the regex group holding the secret value
    keep: Keep | None = None  # False: structurally not this kind of secret (dropped)
    example: Example | None = None  # why the value is a known sample (default: examples.token)
    before: int = 0  # how far before an anchor a match may start
    multiline: bool = False  # a match may run past the anchor's line
    tags: tuple[str, ...] = TAGS


@dataclass(frozen=True)
class Hit:
    """One value a rule matched: where, and its keyed id (the value itself is dropped)."""

    rule: Rule
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    digest: str  # the value's id (HMAC under the project's key)
    example: str | None = None  # why it is a known sample, or None: a real finding


def is_placeholder(value: str) -> bool:
    """A documentation or template value (EXAMPLE keys, xxxx, 0000, <your-key>)."""
    return examples.placeholder(value) is not None


def _aws_secret_keep(m: re.Match[str]) -> bool:
    return len(set(m.group(1))) > 10


def _notify_keep(m: re.Match[str]) -> bool:
    return m.group(2).lower() != m.group(3).lower()


def _url_example(m: re.Match[str], path: str) -> str | None:
    return examples.url(m.group(2), m.group(3), m.group(4), path)


DB_SCHEMES = (
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "mongodb+srv",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "mssql",
    "sqlserver",
    "oracle",
)


def _other_url_keep(m: re.Match[str]) -> bool:
    scheme = m.group(1).lower()
    return scheme.split("+", 1)[0] not in DB_SCHEMES and scheme not in DB_SCHEMES


def _strip_pem(body: str) -> str:
    return re.sub(r"\s|\\n|\\r", "", body)


def _rule(
    id: str, title: str, severity: Severity, regex: str, help_text: str, **kw: object
) -> Rule:
    return Rule(id, title, severity, re.compile(regex), help_text, **kw)  # type: ignore[arg-type]


RULES: tuple[Rule, ...] = (
    _rule(
        "notify-api-key",
        "GOV.UK Notify API key",
        Severity.HIGH,
        rf"(?<![\w-])([A-Za-z][A-Za-z0-9_-]{{0,100}}?)-({_UUID})-({_UUID})(?![\w-])",
        "A GOV.UK Notify API key (key name, service id, secret) lets anyone send messages as your"
        " service. Revoke it in Notify (API integration > API keys), create a new one and load it"
        " from the environment or a secret store.",
        anchors=(),
        # where the two uuids meet: "-xxxx-xxxxxxxxxxxx-xxxxxxxx-" (a literal first: fast)
        anchor_re=re.compile(r"-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}-[0-9a-fA-F]{8}-"),
        help_uri="https://docs.notifications.service.gov.uk/python.html#api-keys",
        keep=_notify_keep,
        before=160,
    ),
    _rule(
        "aws-access-key-id",
        "AWS access key id",
        Severity.HIGH,
        r"(?<![A-Z0-9])((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})(?![A-Z0-9])",
        "An AWS access key id identifies a long-lived credential. Deactivate the key in IAM, rotate"
        " it and use roles or the environment instead.",
        anchors=(),
        anchor_re=re.compile(r"A(?:KIA|SIA|BIA|CCA|3T)"),
        help_uri="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        group=1,
    ),
    _rule(
        "aws-secret-access-key",
        "AWS secret access key",
        Severity.CRITICAL,
        r"(?i)(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)[\"']?\s*[:=]>?\s*[\"']?"
        r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        "An AWS secret access key gives full use of its access key. Deactivate and rotate it in"
        " IAM now; use roles or the environment instead.",
        anchors=("ecret", "ECRET"),
        help_uri="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        group=1,
        keep=_aws_secret_keep,
        before=16,
    ),
    _rule(
        "github-token",
        "GitHub token",
        Severity.CRITICAL,
        r"(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})"
        r"(?![A-Za-z0-9_])",
        "A GitHub token acts as its owner. Revoke it (Settings > Developer settings, or the app's"
        " installation) and use a short-lived token from the CI's secret store.",
        anchors=(),
        anchor_re=re.compile(r"g(?:h[pousr]_|ithub_pat_)"),
        help_uri="https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/token-expiration-and-revocation",
        group=1,
    ),
    _rule(
        "slack-webhook",
        "Slack incoming webhook",
        Severity.HIGH,
        r"(https://hooks\.slack\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24})"
        r"(?![A-Za-z0-9])",
        "A Slack webhook URL lets anyone post to the channel. Regenerate it in the Slack app"
        " settings and load it from the environment.",
        anchors=("hooks.slack.com/services/",),
        help_uri="https://api.slack.com/messaging/webhooks",
        group=1,
        before=8,
    ),
    _rule(
        "private-key",
        "Private key",
        Severity.CRITICAL,
        r"-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----"
        r"((?:\s|\\n|\\r)*(?:[A-Za-z-]+: [^\n\\]*(?:\s|\\n|\\r)*)*)"
        r"([A-Za-z0-9+/=]{16,}(?:(?:\\n|\\r|\s)+[A-Za-z0-9+/=]+)*)",
        "A private key in the repository is a key everyone with read access holds. Revoke or"
        " replace the key pair and keep the new private key in a secret store.",
        anchors=("PRIVATE KEY",),
        group=3,
        keep=lambda m: len(_strip_pem(m.group(3))) >= 64,
        before=32,
        multiline=True,
    ),
    _rule(
        "database-url-password",
        "Password in a database URL",
        Severity.HIGH,
        r"(?i)(?<![\w+.-])((?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql"
        r"|sqlserver|oracle)(?:\+\w+)?://)([^:/\s@'\"]{1,100}):([^@\s'\"/]{1,200})@"
        r"([^\s'\"/?#]{1,255})",
        "A database URL with a password in it leaks the password. Change the password and pass"
        " the URL (or just the password) through the environment or a secret store.",
        anchors=("://",),
        group=3,
        example=_url_example,
        before=40,
    ),
    _rule(
        "url-password",
        "Password in a URL",
        Severity.HIGH,
        r"(?<![\w+.-])([A-Za-z][\w+.-]{1,30})://([^:/\s@'\"<>(){}\[\]]{1,100}):"
        r"([^@\s'\"/<>(){}]{1,200})@([^\s'\"/?#<>(){}@]{1,255})",
        "A URL with user:password@ (basic auth for an API, a package registry, a git remote, an"
        " SMTP or LDAP server) leaks the password to everyone who reads the code. Change the"
        " password and pass it through the environment or a secret store.",
        anchors=("://",),
        help_uri="https://cwe.mitre.org/data/definitions/522.html",
        group=3,
        keep=_other_url_keep,
        example=_url_example,
        before=40,
    ),
    _rule(
        "azure-storage-key",
        "Azure storage or Service Bus key",
        Severity.CRITICAL,
        r"(?i)(?<![\w])(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,120}={0,2})"
        r"(?![A-Za-z0-9+/=])",
        "An Azure storage account key (AccountKey=) or Service Bus / Event Hubs key"
        " (SharedAccessKey=) gives full access to the account. Rotate it in the Azure portal"
        " (Access keys) and use a managed identity or a Key Vault reference instead.",
        anchors=("Key=", "key=", "KEY="),
        before=16,
        help_uri="https://learn.microsoft.com/en-us/azure/storage/common/storage-account-keys-manage",
        group=1,
    ),
    _rule(
        "jwt",
        "JSON Web Token",
        Severity.HIGH,
        r"(?<![\w-])(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})(?![\w-])",
        "A signed JSON Web Token is a bearer credential until it expires. Invalidate it (rotate"
        " the signing key if it does not expire) and do not commit tokens.",
        anchors=("eyJ",),
        help_uri="https://datatracker.ietf.org/doc/html/rfc8725",
        group=1,
    ),
)

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


def _anchor_positions(text: str, rule: Rule, seen: dict[str, list[int]]) -> list[int]:
    """Offsets of the rule's anchors in `text` (literal anchors shared between rules via `seen`)."""
    if rule.anchor_re is not None:
        return [m.start() for m in rule.anchor_re.finditer(text)]
    found: list[int] = []
    for anchor in rule.anchors:
        if anchor not in seen:
            spots, at = [], text.find(anchor)
            while at >= 0:
                spots.append(at)
                at = text.find(anchor, at + 1)
            seen[anchor] = spots
        found += seen[anchor]
    return found


def _windows(text: str, rule: Rule, seen: dict[str, list[int]]) -> list[tuple[int, int]]:
    """Merged (start, end) spans around the rule's anchors: the anchor's line (or, for a
    multi-line rule, up to _MULTILINE_REACH after it), reaching `before` characters back."""
    spans = []
    for at in _anchor_positions(text, rule, seen):
        line_start = text.rfind("\n", 0, at) + 1
        start = (
            max(line_start, at - rule.before) if not rule.multiline else max(0, at - rule.before)
        )
        if rule.multiline:
            end = min(len(text), at + _MULTILINE_REACH)
        else:
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
        spans.append((start, end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _all_matches(text: str) -> Iterator[tuple[Rule, re.Match[str]]]:
    seen: dict[str, list[int]] = {}
    for rule in RULES:
        for start, end in _windows(text, rule, seen):
            for m in rule.pattern.finditer(text, start, end):
                if rule.keep is None or rule.keep(m):
                    yield rule, m


def _value(rule: Rule, m: re.Match[str]) -> str:
    value = m.group(rule.group)
    return _strip_pem(value) if rule.id == "private-key" else value


def _line_of(text: str, at: int) -> str:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return text[start : end if end >= 0 else len(text)]


def scan_text(text: str, path: str = "", ids: ValueIds | None = None) -> list[Hit]:
    """Every rule hit in `text` (a file at `path`), with 1-based line/column and the value's id.

    Values in a known non-secret format are left out; known samples come back with `example`.
    """
    ids = ids or process_ids()
    hits = []
    line, counted = 1, 0  # line number at offset `counted` (matches come in text order)
    for rule, m in sorted(_all_matches(text), key=lambda rm: rm[1].start()):
        value = _value(rule, m)
        start, end = m.span(rule.group)
        if formats.known_format(value[:200], _line_of(text, start), path):
            continue
        example = rule.example(m, path) if rule.example else examples.token(value, path)
        line += text.count("\n", counted, m.start())
        counted = m.start()
        line_start = text.rfind("\n", 0, m.start()) + 1
        hits.append(
            Hit(
                rule=rule,
                line=line,
                column=m.start() - line_start + 1,
                end_line=line + text.count("\n", m.start(), end),
                digest=ids.of(value),
                example=example,
            )
        )
    return hits


def find_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the values in `text` any rule matched, samples included (for scrubbing)."""
    return [m.span(rule.group) for rule, m in _all_matches(text)]

"""lockgate's own secret rules: the formats this team uses that the upstream scanners miss or blur."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lockgate.model import Severity
from lockgate.secrets.redact import digest

CWE_798 = "https://cwe.mitre.org/data/definitions/798.html"
TAGS = ("CWE-798", "security", "secret")

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_PLACEHOLDER_WORDS = ("example", "placeholder", "dummy", "redacted", "your", "changeme")


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: Severity
    pattern: re.Pattern[str]
    help_text: str
    help_uri: str = CWE_798
    group: int = 0  # the regex group holding the secret value
    keep: Callable[[re.Match[str]], bool] | None = None  # False: a known placeholder, not a secret
    tags: tuple[str, ...] = TAGS


@dataclass(frozen=True)
class Hit:
    """One value a rule matched: where, and the sha256 of the value (the value itself is dropped)."""

    rule: Rule
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    digest: str


def is_placeholder(value: str) -> bool:
    """A documentation or template value (EXAMPLE keys, xxxx, 0000, <your-key>), not a secret."""
    return _placeholder(value)


def _placeholder(value: str) -> bool:
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return True
    core = re.sub(r"[^a-z0-9]", "", lowered)
    return len(set(core)) <= 2 or "xxxxxx" in lowered or "000000" in core


def _not_placeholder(group: int) -> Callable[[re.Match[str]], bool]:
    return lambda m: not _placeholder(m.group(group))


def _aws_secret_keep(m: re.Match[str]) -> bool:
    value = m.group(1)
    return not _placeholder(value) and len(set(value)) > 10


def _notify_keep(m: re.Match[str]) -> bool:
    return not _placeholder(m.group(3)) and m.group(2).lower() != m.group(3).lower()


_LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "0.0.0.0")


def _db_keep(m: re.Match[str]) -> bool:
    user, password, host = m.group(2), m.group(3), m.group(4).lower()
    if password.startswith(("$", "{", "<", "%(", "*", "[")) or password.lower() in {
        "pass",
        "password",
        "passwd",
        "pwd",
        "secret",
        "pw",
        "****",
    }:
        return False
    if password == user or host.startswith(_LOCAL_HOSTS):
        return False
    return not _placeholder(password)


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
        rf"(?<![\w-])([A-Za-z][A-Za-z0-9_-]*?)-({_UUID})-({_UUID})(?![\w-])",
        "A GOV.UK Notify API key (key name, service id, secret) lets anyone send messages as your"
        " service. Revoke it in Notify (API integration > API keys), create a new one and load it"
        " from the environment or a secret store.",
        help_uri="https://docs.notifications.service.gov.uk/python.html#api-keys",
        keep=_notify_keep,
    ),
    _rule(
        "aws-access-key-id",
        "AWS access key id",
        Severity.HIGH,
        r"(?<![A-Z0-9])((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})(?![A-Z0-9])",
        "An AWS access key id identifies a long-lived credential. Deactivate the key in IAM, rotate"
        " it and use roles or the environment instead.",
        help_uri="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        group=1,
        keep=_not_placeholder(1),
    ),
    _rule(
        "aws-secret-access-key",
        "AWS secret access key",
        Severity.CRITICAL,
        r"(?i)(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)[\"']?\s*[:=]>?\s*[\"']?"
        r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        "An AWS secret access key gives full use of its access key. Deactivate and rotate it in"
        " IAM now; use roles or the environment instead.",
        help_uri="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        group=1,
        keep=_aws_secret_keep,
    ),
    _rule(
        "github-token",
        "GitHub token",
        Severity.CRITICAL,
        r"(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})"
        r"(?![A-Za-z0-9_])",
        "A GitHub token acts as its owner. Revoke it (Settings > Developer settings, or the app's"
        " installation) and use a short-lived token from the CI's secret store.",
        help_uri="https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/token-expiration-and-revocation",
        group=1,
        keep=_not_placeholder(1),
    ),
    _rule(
        "slack-webhook",
        "Slack incoming webhook",
        Severity.HIGH,
        r"(https://hooks\.slack\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24})"
        r"(?![A-Za-z0-9])",
        "A Slack webhook URL lets anyone post to the channel. Regenerate it in the Slack app"
        " settings and load it from the environment.",
        help_uri="https://api.slack.com/messaging/webhooks",
        group=1,
        keep=_not_placeholder(1),
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
        group=3,
        keep=lambda m: len(_strip_pem(m.group(3))) >= 64,
    ),
    _rule(
        "database-url-password",
        "Password in a database URL",
        Severity.HIGH,
        r"(?i)\b((?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver"
        r"|oracle)(?:\+\w+)?://)([^:/\s@'\"]+):([^@\s'\"/]+)@([^\s'\"/?#]+)",
        "A database URL with a password in it leaks the password. Change the password and pass"
        " the URL (or just the password) through the environment or a secret store.",
        group=3,
        keep=_db_keep,
    ),
    _rule(
        "jwt",
        "JSON Web Token",
        Severity.HIGH,
        r"(?<![\w-])(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})(?![\w-])",
        "A signed JSON Web Token is a bearer credential until it expires. Invalidate it (rotate"
        " the signing key if it does not expire) and do not commit tokens.",
        help_uri="https://datatracker.ietf.org/doc/html/rfc8725",
        group=1,
        keep=_not_placeholder(1),
    ),
)

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}

# Quick pre-filter: a file without any of these cannot match a rule.
_HINTS = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-|A[KSBC3][A-Z0-9]{2}[A-Z2-7]{8}|(?i:aws_?secret|secret_?access)|gh[pousr]_"
    r"|github_pat_|hooks\.slack\.com|PRIVATE KEY|://|eyJ"
)


def _matches(text: str, *, kept: bool = True) -> list[tuple[Rule, re.Match[str]]]:
    """Rule matches in `text`: the ones kept, or (kept=False) the ones judged placeholders."""
    if not _HINTS.search(text):
        return []
    found = []
    for rule in RULES:
        for m in rule.pattern.finditer(text):
            if (rule.keep is None or rule.keep(m)) is kept:
                found.append((rule, m))
    return found


def rejected_values(text: str) -> set[str]:
    """Values a rule matched in `text` but judged placeholders or local-only (not secrets)."""
    return {m.group(rule.group) for rule, m in _matches(text, kept=False)}


def scan_text(text: str) -> list[Hit]:
    """Every rule hit in `text`, with 1-based line/column and the digest of the secret value."""
    hits = []
    for rule, m in _matches(text):
        end = m.end(rule.group)
        value = m.group(rule.group)
        if rule.id == "private-key":
            value = _strip_pem(value)
        line = text.count("\n", 0, m.start()) + 1
        line_start = text.rfind("\n", 0, m.start()) + 1
        hits.append(
            Hit(
                rule=rule,
                line=line,
                column=m.start() - line_start + 1,
                end_line=line + text.count("\n", m.start(), end),
                digest=digest(value),
            )
        )
    return hits


def find_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the secret values in `text` (for scrubbing)."""
    return [m.span(rule.group) for rule, m in _matches(text)]

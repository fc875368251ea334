"""Known example credentials: documentation placeholders and well-known sample values.

They are reported under one rule id, `example-credential`, at `info` by default (never failing the
gate; `[stages.secrets] example_severity` turns them back up): `postgresql://scott:tiger@localhost`,
`user:pass@example.com`, `changeme`, `xxxx`, `<password>`, `${DB_PASSWORD}`, AWS's documented
`…EXAMPLE` keys, the jwt.io sample token, Azurite's published development key.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from urllib.parse import unquote

RULE = "example-credential"

# Whole values (case-insensitive) that documentation and sample configs use as passwords.
WEAK = frozenset(
    [
        "password",
        "passwd",
        "pass",
        "pwd",
        "pw",
        "secret",
        "secrets",
        "tiger",
        "changeme",
        "changeit",
        "change_me",
        "change-me",
        "letmein",
        "admin",
        "administrator",
        "root",
        "toor",
        "test",
        "testing",
        "tester",
        "foo",
        "bar",
        "baz",
        "qux",
        "foobar",
        "dummy",
        "example",
        "sample",
        "default",
        "guest",
        "user",
        "username",
        "login",
        "token",
        "apikey",
        "api_key",
        "key",
        "mypassword",
        "mysecret",
        "mysecretpassword",
        "yourpassword",
        "your_password",
        "s3cr3t",
        "p4ssw0rd",
        "p@ssw0rd",
        "passw0rd",
        "hunter2",
        "123",
        "1234",
        "12345",
        "123456",
        "1234567",
        "12345678",
        "123456789",
        "qwerty",
        "asdf",
        "abc",
        "abc123",
        "none",
        "null",
        "empty",
        "redacted",
        "hidden",
        "masked",
        "placeholder",
        "notasecret",
        "not-a-secret",
        "not_a_secret",
        "fake",
        "fakepassword",
        "insecure",
        "demo",
        "sa",
        "postgres",
        "mysql",
        "oracle",
        "scott",
        "pass123",
        "password1",
        "password123",
        "secret123",
        "admin123",
        "root123",
        "test123",
        "xxx",
        "xxxx",
        "yyy",
        "zzz",
    ]
)
DOC_PASSWORDS = ("tiger",)  # the Oracle/SQLAlchemy sample password, also with decorations
PLACEHOLDER_WORDS = (
    "example",
    "placeholder",
    "dummy",
    "redacted",
    "your",
    "changeme",
    "change_me",
    "sample",
    "notasecret",
    "not_a_secret",
    "not-a-secret",
    "insecure",
)
# User names that documentation uses for "some user"
PLACEHOLDER_USERS = frozenset(
    [
        "user",
        "username",
        "user_name",
        "myuser",
        "youruser",
        "your_user",
        "someuser",
        "me",
        "name",
        "login",
        "foo",
        "admin",
        "scott",
        "test",
        "testuser",
        "dbuser",
        "db_user",
        "someone",
        "john",
        "jdoe",
        "alice",
        "bob",
        "u",
        "usr",
        "x",
    ]
)
TEST_WORDS = ("test", "fake", "mock", "dummy", "sample", "example", "demo", "stub")

# A reference to a value kept elsewhere, or a template slot: ${DB_PASSWORD}, $PW, {{ pw }},
# {password}, %(password)s, <password>, [password], ****, ...
_REFERENCE = re.compile(
    r"^(?:\$\{[^}]*\}?|\$\(.*\)?|\$\w+|\{\{.*|\{[\w.\-\[\]'\"]*\}|%\(\w+\)s|%s|<[^>]*>?|\[[^\]]*\]?"
    r"|\*+|\.\.\.|…|#\{.*\}?|@\w+@|__\w+__)$"
)
# sha256 of published sample credentials (kept as digests so this file holds no key-like value)
_KNOWN = {
    "051d093c4bdedbf23f905ad01d9c6111414d54e2170e1d7f76657c4e76e3e65b": "the jwt.io sample token",
    "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059": "Azurite's published key",
    "1a5d44a2dca19669d72edf4c4f1c27c4c1ca4b4408fbb17f6ce4ad452d78ddb3": "AWS's documented example",
    "78314b11be2e581549ac1c4f616563fad3fdf0c3b71678f6e2299182080e0598": "AWS's documented example",
}

_RESERVED_DOMAINS = ("example.com", "example.net", "example.org", "example.edu")
_RESERVED_TLDS = ("example", "test", "invalid", "localhost")
_PLACEHOLDER_HOST = re.compile(
    r"(?i)^(?:my|your|some|the|a|an|db|pg|sql|mysql|mongo|redis|remote|other)?[-_]?"
    r"(?:host|hostname|server|servername|ip|domain|address|dbhost|dbserver|cluster)[-_]?\d*$"
)
_DOC_DIRS = frozenset(
    [
        "doc",
        "docs",
        "documentation",
        "example",
        "examples",
        "sample",
        "samples",
        "demo",
        "demos",
        "tutorial",
        "tutorials",
        "guide",
        "guides",
        "test",
        "tests",
        "testing",
        "testdata",
        "test_data",
        "__tests__",
        "__mocks__",
        "spec",
        "specs",
        "fixtures",
        "fixture",
        "e2e",
    ]
)
_DOC_SUFFIXES = (".md", ".rst", ".txt", ".adoc", ".asciidoc", ".html", ".htm", ".ipynb", ".tex")
_TEST_NAME = re.compile(
    r"(?i)^(?:test_.*|.*_test\.\w+|.*\.(?:test|spec)\.\w+|conftest\.py|readme|changes|changelog"
    r"|.*\.(?:example|sample|template|tmpl|tpl|dist)(?:\.\w+)?)$"
)


def docs_or_tests(path: str) -> bool:
    """A documentation, example or test file: where sample credentials live."""
    parts = path.lower().split("/")
    name = parts[-1]
    return (
        bool(set(parts[:-1]) & _DOC_DIRS)
        or name.endswith(_DOC_SUFFIXES)
        or _TEST_NAME.match(name) is not None
    )


def placeholder(value: str) -> str | None:
    """Why `value` is a placeholder or a well-known sample, or None."""
    lowered = value.lower().strip("'\"")
    if _REFERENCE.match(value):
        return "a reference or template slot, not a value"
    if lowered in WEAK:
        return "a well-known sample password"
    if lowered.startswith(DOC_PASSWORDS):
        return "a well-known sample password"
    if any(word in lowered for word in PLACEHOLDER_WORDS):
        return "a placeholder"
    core = re.sub(r"[^a-z0-9]", "", lowered)
    if len(set(core)) <= 2 or "xxxxx" in lowered or "00000000" in core:
        return "a placeholder"
    for candidate in (value, value.rsplit(".", 1)[-1]):
        known = _KNOWN.get(hashlib.sha256(candidate.encode("utf-8", "surrogatepass")).hexdigest())
        if known:
            return known
    return None


def token(value: str, path: str) -> str | None:
    """Why a token-like value (API key, webhook, private key) is an example, or None."""
    why = placeholder(value)
    if why:
        return why
    if docs_or_tests(path) and any(w in value.lower() for w in TEST_WORDS):
        return "a test or documentation value"
    return None


def url(user: str, password: str, host: str, path: str) -> str | None:
    """Why the credentials of `scheme://user:password@host` are an example, or None."""
    why = placeholder(password) or placeholder(unquote(password))
    if why:
        return why
    if password == user:
        return "the user name repeated as the password"
    name = host.rsplit("@", 1)[-1].split(":", 1)[0].strip("[]").lower().rstrip(".")
    if not name or _REFERENCE.match(host) or _PLACEHOLDER_HOST.match(name):
        return "a placeholder host"
    if name in _RESERVED_DOMAINS or name.endswith(tuple("." + d for d in _RESERVED_DOMAINS)):
        return "a documentation domain (example.com)"
    if name == "localhost" or name.endswith(tuple("." + t for t in _RESERVED_TLDS)):
        return "a reserved or local-only host"
    address = _ip(name)
    if address is not None and (address.is_loopback or address.is_unspecified):
        return "a local-only host"
    if docs_or_tests(path):
        if "." not in name or (address is not None and address.is_private):
            return "a documentation or test example (local or private host)"
        plain = unquote(password)
        if user.lower() in PLACEHOLDER_USERS or len(plain) < 8:
            return "a documentation or test example"
        if any(w in plain.lower() for w in TEST_WORDS):
            return "a documentation or test example"
    return None


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


_LINE_URL = re.compile(r"://([^\s/@:'\"<>]{1,100}):([^@\s'\"/<>]{1,200})@([^\s'\"/?#<>]{1,255})")


def in_line(value: str, line: str, path: str) -> str | None:
    """Why a value another engine reported on `line` is an example, or None."""
    for m in _LINE_URL.finditer(line):
        if value == m.group(2) or (len(m.group(2)) >= 4 and m.group(2) in value):
            return url(m.group(1), m.group(2), m.group(3), path)
    return token(value, path)

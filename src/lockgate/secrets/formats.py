"""Known non-secret high-entropy formats, allow-listed for every engine.

Lock files' integrity hashes (`integrity: sha512-…`), checksums and digests (`--hash=sha256:…`,
`h1:…=`, a hex digest next to the word "sha256"), data URIs and public keys look random, so
entropy heuristics and generic keyword rules flag them; none of them is a credential. For the
generic rules only (a keyword next to any high-entropy value), UUIDs, code expressions
(`passive=attributes.PASSIVE_NO_INITIALIZE` in a .py file) and literals such as `True` are not
values either. A value that sits in a URL's user-info (`https://u:VALUE@host`) is never allow-listed.
"""

from __future__ import annotations

import re

LOCK_FILES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "bun.lock",
        "deno.lock",
        "cargo.lock",
        "go.sum",
        "poetry.lock",
        "pipfile.lock",
        "uv.lock",
        "pdm.lock",
        "composer.lock",
        "gemfile.lock",
        "packages.lock.json",
        "flake.lock",
        "mix.lock",
        "podfile.lock",
        "pubspec.lock",
        "gradle.lockfile",
        "package.resolved",
    }
)
_HASH_NAMES = r"sha1|sha224|sha256|sha384|sha512|sha3-256|sha3_256|sha3-512|md5|blake2b|blake2s|xxh64|xxh3|crc32"
# Subresource integrity (npm, pnpm, yarn, HTML `integrity="…"`): algorithm-base64
_SRI = re.compile(r"(?<![A-Za-z0-9])(?:sha1|sha256|sha384|sha512)-[A-Za-z0-9+/]{16,}={0,2}")
# algorithm:digest or algorithm=digest (pip --hash, Docker digests, poetry, go.sum h1:)
_PREFIXED = re.compile(
    rf"(?i)(?<![A-Za-z0-9])(?:{_HASH_NAMES}|h1)[:=][A-Za-z0-9+/_-]{{8,}}={{0,2}}"
)
_FRAGMENT = re.compile(r"#(?:[0-9a-f]{40}|[0-9a-f]{64})\b")  # yarn v1: resolved "…tgz#<sha1>"
_DATA_URI = re.compile(r"data:[\w.+-]+/[\w.+-]+(?:;[\w=.-]+)*;base64,[A-Za-z0-9+/]+=*")
_PUBLIC_KEY = re.compile(
    r"(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com) AAAA[A-Za-z0-9+/]+=*"
)
_HEX = re.compile(r"[0-9a-fA-F]+")
_HASH_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})
_HASH_WORDS = re.compile(
    r"(?i)sha\d|md5|hash|checksum|digest|integrity|shasum|etag|fingerprint|commit|revision"
    r"|\brev\b|\boid\b|blob|object id"
)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_LITERALS = frozenset({"true", "false", "none", "null", "nil", "undefined", "nan"})
_SOURCE_SUFFIXES = frozenset(
    [
        ".py",
        ".pyi",
        ".pyx",
        ".js",
        ".jsx",
        ".mjs",
        ".cjs",
        ".ts",
        ".tsx",
        ".mts",
        ".cts",
        ".java",
        ".kt",
        ".kts",
        ".scala",
        ".groovy",
        ".go",
        ".rb",
        ".cs",
        ".fs",
        ".vb",
        ".php",
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".cxx",
        ".hpp",
        ".rs",
        ".swift",
        ".m",
        ".mm",
        ".dart",
        ".lua",
        ".pl",
        ".pm",
        ".ex",
        ".exs",
        ".erl",
        ".clj",
        ".r",
        ".jl",
    ]
)


def lock_file(path: str) -> bool:
    return path.rsplit("/", 1)[-1].lower() in LOCK_FILES


def known_format(value: str, line: str, path: str, *, generic: bool = False) -> str | None:
    """Which known non-secret format `value` is on `line` of `path`, or None (maybe a secret).

    `generic`: the rule that reported it is a generic one (keyword or entropy), which also makes
    UUIDs, literals and code expressions not values.
    """
    if not value or in_url_userinfo(value, line):
        return None
    for pattern, name in (
        (_SRI, "integrity hash"),
        (_PREFIXED, "checksum"),
        (_FRAGMENT, "checksum"),
        (_DATA_URI, "data URI"),
        (_PUBLIC_KEY, "public key"),
    ):
        if any(value in m.group(0) for m in pattern.finditer(line)):
            return name
    hexadecimal = _HEX.fullmatch(value) is not None
    if hexadecimal and len(value) in _HASH_LENGTHS and _HASH_WORDS.search(line):
        return "checksum"
    if lock_file(path) and _HASH_WORDS.search(line):
        return "lock file checksum"
    if generic:
        return _not_a_value(value, line, path)
    return None


def _not_a_value(value: str, line: str, path: str) -> str | None:
    if value.lower() in _LITERALS:
        return "literal"
    if _UUID.fullmatch(value):
        return "uuid"
    if source_file(path) and not in_string_literal(line, value):
        return "code expression"
    return None


def source_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return "." in name and "." + name.rsplit(".", 1)[-1] in _SOURCE_SUFFIXES


def in_string_literal(line: str, value: str) -> bool:
    """Whether the first occurrence of `value` on `line` lies inside quotes (a literal, not code)."""
    at = line.find(value)
    if at < 0:
        return True  # cannot tell: treat as a value
    quote: str | None = None
    escaped = False
    for ch in line[:at]:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif quote is None and ch in "\"'`":
            quote = ch
        elif ch == quote:
            quote = None
    if quote is not None:
        return True
    if at > 0 and line[at - 1] == "#":
        return True  # a comment
    return "#" in line[:at] or "//" in line[:at]  # comments hold prose, not code: keep looking


_USERINFO = re.compile(r"://([^\s/@:'\"<>]{1,100}):([^@\s'\"/<>]{1,200})@")


def in_url_userinfo(value: str, line: str) -> bool:
    if "://" not in line or "@" not in line:
        return False
    for m in _USERINFO.finditer(line):
        password = m.group(2)
        if value in password or (len(password) >= 4 and password in value):
            return True
    return False

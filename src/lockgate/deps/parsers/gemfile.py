"""Gemfile (or gems.rb) without a lock file: `gem` lines with one exact version are checked.

Ranges (`~> 7.0`), gems without a version and git/path/github gems are skipped; `gemspec` and
`eval_gemfile` pull in dependencies lockgate does not read, and are reported as such.
"""

from __future__ import annotations

import re
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers.common import read_text

LOCKS = ("Gemfile.lock", "gems.locked")
_GEM = re.compile(r"""^\s*gem[\s(]+["']([^"']+)["'](.*)$""")
_STRING = re.compile(r"""^\s*,\s*["']([^"']*)["']""")
_SOURCE = re.compile(r"""(?:^|[\s,(])(:?(?:git|github|path|gist|bitbucket))(?::|\s*=>)""")
_EXACT = re.compile(r"^(?:=\s*)?(\d[0-9A-Za-z.-]*)$")
_UNREAD = re.compile(r"^\s*(gemspec|eval_gemfile)\b")


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    if any((path.parent / lock).exists() for lock in LOCKS):
        return ParseResult(empty_ok=True)
    text = read_text(path)
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []
    for no, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        unread = _UNREAD.match(code)
        if unread:
            why = f"`{unread.group(1)}`: dependencies from another file lockgate does not read"
            skipped.append(_skip(unread.group(1), rel, no, why, SkipReason.UNSUPPORTED))
            continue
        gem = _GEM.match(code)
        if not gem:
            continue
        name, rest = gem.group(1), gem.group(2)
        versions = []
        while match := _STRING.match(rest):
            versions.append(match.group(1).strip())
            rest = rest[match.end() :]
        source = _SOURCE.search(rest)
        exact = _EXACT.match(versions[0]) if len(versions) == 1 else None
        if source:
            why = f"{source.group(1).lstrip(':')} source"
            skipped.append(_skip(name, rel, no, why, SkipReason.NOT_REGISTRY))
        elif exact:
            deps.append(Dependency(Ecosystem.RUBYGEMS, name, exact.group(1), rel, no, True))
        else:
            why = ", ".join(versions) or "any version"
            skipped.append(_skip(name, rel, no, why, SkipReason.UNPINNED))
    declared = bool(deps or skipped)
    if declared:
        why = f"no Gemfile.lock beside {path.name}"
        skipped.append(_skip("(what these pull in)", rel, None, why, SkipReason.NO_LOCK))
    return ParseResult(tuple(deps), tuple(skipped), empty_ok=not declared)


def _skip(name: str, rel: str, line: int | None, why: str, kind: SkipReason) -> SkippedDependency:
    return SkippedDependency(Ecosystem.RUBYGEMS, name, rel, line, why, kind)

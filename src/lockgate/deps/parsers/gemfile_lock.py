"""Gemfile.lock (gems.locked): `GEM` specs with exact versions; GIT/PATH gems are skipped; DEPENDENCIES marks direct."""

from __future__ import annotations

import re
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers.common import Unparsable, read_text

_SPEC = re.compile(r"^    ([^\s(]+) \(([^)]+)\)\s*$")
_DIRECT = re.compile(r"^  ([^\s(!]+)")


def parse(project: Path, rel: str) -> ParseResult:
    text = read_text(project / rel)
    section = ""
    specs: list[tuple[str, str, int, str]] = []
    direct: set[str] = set()
    for no, line in enumerate(text.splitlines(), start=1):
        if line and not line[0].isspace():
            section = line.strip()
            continue
        if section in {"GEM", "GIT", "PATH"}:
            match = _SPEC.match(line)
            if match:
                specs.append((match.group(1), match.group(2), no, section))
            elif line.startswith("    ") and not line[4:5].isspace():  # a gem line, mangled
                raise Unparsable(
                    f"unexpected gem line: {line.strip()[:80]!r}",
                    "regenerate it with `bundle lock`",
                    no,
                )
        elif section == "DEPENDENCIES":
            match = _DIRECT.match(line)
            if match:
                direct.add(match.group(1))
    if text.strip() and not specs and "GEM" not in text:
        raise Unparsable("no GEM section", "regenerate it with `bundle lock`")
    deps, skipped = [], []
    for name, version, no, where in specs:
        if where != "GEM":
            skipped.append(
                SkippedDependency(
                    Ecosystem.RUBYGEMS, name, rel, no, f"{where} source", SkipReason.NOT_REGISTRY
                )
            )
            continue
        plain = version.split("-", 1)[0]  # "1.13.3-x86_64-linux": the platform is not part of it
        deps.append(Dependency(Ecosystem.RUBYGEMS, name, plain, rel, no, name in direct))
    return ParseResult(tuple(deps), tuple(skipped), empty_ok="GEM" in text)

"""yarn.lock, classic (v1) and Berry (v2+): one block per resolved package with its `version`."""

from __future__ import annotations

import re
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency
from lockgate.deps.parsers.common import Unparsable, direct_npm_names, read_text

_VERSION = re.compile(r'^\s+version:?\s+"?([^"\s]+)"?\s*$')


def _name(descriptor: str) -> str:
    descriptor = descriptor.strip().strip('"')
    at = descriptor.find("@", 1)  # a scoped name starts with @
    return descriptor[:at] if at > 0 else descriptor


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    text = read_text(path)
    direct = direct_npm_names(path.parent)
    deps, skipped = [], []
    header: tuple[str, int, str] | None = None  # (name, line, raw header)
    seen_block = False
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            _check_versioned(header)
            if not line.rstrip().endswith(":"):
                raise Unparsable(
                    f"unexpected line: {line[:80]!r}", "regenerate it with `yarn install`", no
                )
            raw = line.rstrip()[:-1]
            header = None if raw == "__metadata" else (_name(raw.split(",")[0]), no, raw)
            seen_block = True
            continue
        match = _VERSION.match(line)
        if header and match and line.startswith("  ") and not line.startswith("   "):
            name, hline, raw = header
            if "@workspace:" in raw or "@link:" in raw or "@portal:" in raw or "@file:" in raw:
                skipped.append(
                    SkippedDependency(
                        Ecosystem.NPM,
                        name,
                        rel,
                        hline,
                        "workspace, link or file package: not from the registry",
                    )
                )
            else:
                deps.append(
                    Dependency(Ecosystem.NPM, name, match.group(1), rel, hline, name in direct)
                )
            header = None
    _check_versioned(header)
    if text.strip() and not seen_block:
        raise Unparsable("no package blocks found", "regenerate it with `yarn install`")
    return ParseResult(tuple(deps), tuple(skipped))


def _check_versioned(header: tuple[str, int, str] | None) -> None:
    """A package block that ended without its `version` line: a truncated or mangled file."""
    if header is not None:
        name, line, _ = header
        raise Unparsable(
            f"the block of {name[:80]!r} has no version", "regenerate it with `yarn install`", line
        )

"""yarn.lock, classic (v1) and Berry (v2+): one block per resolved package with its `version`.

Aliases (`x@npm:node-fetch@3.1.0`) are checked as the real package (Berry's `resolution`, v1's
descriptor); patched packages as the package they patch; workspace entries are the project's own
code, not packages; file, link, portal, git and URL entries are not registry releases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers.common import Unparsable, direct_npm_names, read_text
from lockgate.deps.parsers.npm_spec import classify, split_descriptor

_FIELD = re.compile(r'^  ([A-Za-z]+):?\s+"?([^"]*?)"?\s*$')


@dataclass
class _Block:
    header: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    text = read_text(path)
    blocks = _blocks(text)
    direct = direct_npm_names(path.parent)
    deps: list[Dependency] = []
    skipped: list[SkippedDependency] = []
    for block in blocks:
        if block.header == "__metadata":
            continue
        result = _package(block, rel, direct)
        if isinstance(result, Dependency):
            deps.append(result)
        elif result is not None:
            skipped.append(result)
    return ParseResult(tuple(deps), tuple(skipped), empty_ok=True)


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            if not line.rstrip().endswith(":"):
                raise Unparsable(
                    f"unexpected line: {line[:80]!r}", "regenerate it with `yarn install`", no
                )
            _check_versioned(blocks)
            blocks.append(_Block(line.rstrip()[:-1].strip(), no))
            continue
        match = _FIELD.match(line)
        if match and blocks:
            blocks[-1].fields.setdefault(match.group(1), match.group(2))
    _check_versioned(blocks)
    if text.strip() and not blocks:
        raise Unparsable("no package blocks found", "regenerate it with `yarn install`")
    return blocks


def _check_versioned(blocks: list[_Block]) -> None:
    """A package block that ended without its `version` line: a truncated or mangled file."""
    if blocks and blocks[-1].header != "__metadata" and "version" not in blocks[-1].fields:
        block = blocks[-1]
        raise Unparsable(
            f"the block of {block.header[:80]!r} has no version",
            "regenerate it with `yarn install`",
            block.line,
        )


def _package(block: _Block, rel: str, direct: set[str]) -> Dependency | SkippedDependency | None:
    descriptors = [d for d in block.header.replace('"', "").split(",") if d.strip()]
    alias, spec = split_descriptor(descriptors[0] if descriptors else block.header)
    version = block.fields["version"]
    resolution = block.fields.get("resolution")
    if resolution is not None:  # Berry: the resolution names the real package and protocol
        name, locator = split_descriptor(resolution)
        protocol = locator.split(":", 1)[0] if ":" in locator else ""
        if protocol == "workspace":
            return None  # the project itself or one of its workspaces
        if protocol == "patch":  # "resolve@patch:resolve@npm%3A1.22.1#..."
            name, inner = split_descriptor(locator[6:].replace("%3A", ":"))
            protocol = inner.split(":", 1)[0]
        if protocol != "npm":
            return SkippedDependency(
                Ecosystem.NPM,
                name,
                rel,
                block.line,
                f"{resolution[:80]} is not a registry release",
                SkipReason.NOT_REGISTRY,
            )
        return Dependency(Ecosystem.NPM, name, version, rel, block.line, alias in direct)
    parsed = classify(alias, spec)
    resolved = block.fields.get("resolved", "")
    why: str | None = parsed.not_registry or (
        f"{resolved[:80]} is not a registry release"
        if re.match(r"^(?:git|file:|github:|codeload)", resolved)
        else None
    )
    if why:
        return SkippedDependency(
            Ecosystem.NPM, parsed.name, rel, block.line, why, SkipReason.NOT_REGISTRY
        )
    return Dependency(Ecosystem.NPM, parsed.name, version, rel, block.line, alias in direct)

"""pnpm-lock.yaml, lockfile versions 5 (`/name/1.2.3`), 6 (`/name@1.2.3`) and 9 (`name@1.2.3`).

Each `packages` key names a resolved package (peer-dependency suffixes are dropped); tarball,
git and directory resolutions are not registry releases. Aliases are keyed by the real name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from lockgate.deps.model import Dependency, Ecosystem, ParseResult, SkippedDependency, SkipReason
from lockgate.deps.parsers.common import Lines, Unparsable, read_text, table
from lockgate.deps.parsers.npm_spec import classify

_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies")


def parse(project: Path, rel: str) -> ParseResult:
    text = read_text(project / rel)
    data = _load(text)
    if not isinstance(data, dict) or "lockfileVersion" not in data:
        raise Unparsable("no lockfileVersion", "regenerate it with `pnpm install`")
    v5 = str(data["lockfileVersion"]).startswith("5")
    direct = _direct(data)
    lines = Lines(text)
    deps: dict[tuple[str, str], Dependency] = {}
    skipped: list[SkippedDependency] = []
    cursor = 0
    for key, info in table(data, "packages").items():
        at, line = lines.find(str(key), cursor)
        cursor = at + 1 if at >= 0 else cursor
        name, version = _name_version(str(key), v5)
        why = _not_registry(info, version)
        if why:
            skipped.append(_skip(name, rel, line, why, SkipReason.NOT_REGISTRY))
        elif not name or not version:
            skipped.append(_skip(str(key), rel, line, "no name@version", SkipReason.MALFORMED))
        else:
            dep = Dependency(Ecosystem.NPM, name, version, rel, line, name in direct)
            deps.setdefault((name, version), dep)  # one entry per peer-dependency variant
    return ParseResult(tuple(deps.values()), tuple(skipped), empty_ok=True)


def _load(text: str) -> Any:
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise Unparsable(f"invalid YAML: {exc}", "regenerate it with `pnpm install`", line) from exc
    except RecursionError as exc:
        raise Unparsable("YAML nested too deeply", "regenerate it with `pnpm install`") from exc


def _skip(name: str, rel: str, line: int | None, why: str, kind: SkipReason) -> SkippedDependency:
    return SkippedDependency(Ecosystem.NPM, name, rel, line, why, kind)


def _name_version(key: str, v5: bool) -> tuple[str, str]:
    key = key.lstrip("/").split("(", 1)[0]
    if v5:
        name, _, version = key.rpartition("/")
        return name, version.split("_", 1)[0]
    at = key.find("@", 1)
    return (key[:at], key[at + 1 :]) if at > 0 else (key, "")


def _not_registry(info: Any, version: str) -> str | None:
    resolution = table(info, "resolution")
    other = sorted(set(resolution) - {"integrity"})
    if other:
        return f"{other[0]} resolution"
    return classify("x", version).not_registry if version else None


def _direct(data: dict[str, Any]) -> set[str]:
    roots = [data, *(v for v in table(data, "importers").values() if isinstance(v, dict))]
    return {name for root in roots for section in _SECTIONS for name in table(root, section)}

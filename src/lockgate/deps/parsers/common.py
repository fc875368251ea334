"""Helpers every lock-file parser shares: safe reading, line lookup, direct-dependency names."""

from __future__ import annotations

import json
import re
import tomllib
from bisect import bisect_right
from pathlib import Path
from typing import Any

from lockgate.deps.model import Ecosystem, FileProblem, SkippedDependency, SkipReason


class Unparsable(Exception):
    """Raised by a parser for a file it cannot read; the registry turns it into a FileProblem."""

    def __init__(self, reason: str, fix: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.problem_reason, self.fix, self.line = reason, fix, line


def problem(rel: str, exc: Unparsable) -> FileProblem:
    return FileProblem(rel, exc.line, exc.problem_reason, exc.fix)


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise Unparsable(f"cannot be read ({exc.strerror})", "fix its permissions") from exc
    if b"\0" in raw[:8192]:
        raise Unparsable(
            "binary content where a text lock file was expected",
            "regenerate the lock file with its package manager",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise Unparsable("not UTF-8 text", "re-save the file as UTF-8", line) from exc


def load_json(text: str, tool: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unparsable(
            f"invalid JSON: {exc.msg}", f"regenerate it with `{tool}`", exc.lineno
        ) from exc
    except RecursionError as exc:
        raise Unparsable("JSON nested too deeply", f"regenerate it with `{tool}`") from exc


def load_toml(text: str, tool: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise Unparsable(
            f"invalid TOML: {exc}",
            f"regenerate it with `{tool}`",
            int(match.group(1)) if match else None,
        ) from exc
    except RecursionError as exc:
        raise Unparsable("TOML nested too deeply", f"regenerate it with `{tool}`") from exc


class Lines:
    """Line numbers for many lookups in one text: line starts indexed once, bisect per lookup.

    Parsers walk their entries in file order with a cursor (`find(needle, cursor)`), so a whole
    file costs one pass, not one scan from the top per package.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def at(self, offset: int) -> int:
        """1-based line of the character at `offset`."""
        return bisect_right(self.starts, offset)

    def find(self, needle: str, start: int = 0) -> tuple[int, int | None]:
        """(offset, line) of the first `needle` at or after `start`; (-1, None) when absent."""
        at = self.text.find(needle, start)
        return (at, self.at(at)) if at >= 0 else (-1, None)


def line_of(text: str, needle: str, start: int = 0) -> int | None:
    """1-based line of the first occurrence of `needle` at or after character `start` (one lookup)."""
    at = text.find(needle, start)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def table(data: Any, *keys: str) -> dict[str, Any]:
    """data[k1][k2]... when every step is a table (dict), else {}: a wrong shape reads as absent."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def items(data: Any) -> list[Any]:
    """`data` when it is a list, else []."""
    return data if isinstance(data, list) else []


def skip(
    eco: Ecosystem, name: str, rel: str, line: int | None, reason: str, kind: SkipReason
) -> SkippedDependency:
    return SkippedDependency(eco, name, rel, line, reason, kind)


def find_up(folder: Path, root: Path, names: tuple[str, ...]) -> Path | None:
    """The first of `names` in `folder` or an ancestor of it up to `root` (inclusive)."""
    try:
        folder.relative_to(root)
    except ValueError:
        return None
    while True:
        for name in names:
            if (folder / name).is_file():
                return folder / name
        if folder == root or folder.parent == folder:
            return None
        folder = folder.parent


def direct_python_names(folder: Path) -> set[str]:
    """Normalised names declared in a sibling pyproject.toml or Pipfile (empty when none)."""
    from packaging.requirements import InvalidRequirement, Requirement

    names: set[str] = set()
    data = _toml_file(folder / "pyproject.toml")
    project = table(data, "project")
    specs = list(items(project.get("dependencies")))
    for extra in table(project, "optional-dependencies").values():
        specs += items(extra)
    for group in table(data, "dependency-groups").values():
        specs += items(group)
    for spec in specs:
        try:
            names.add(Requirement(spec).name if isinstance(spec, str) else "")
        except InvalidRequirement:
            continue
    poetry = table(data, "tool", "poetry")
    names |= set(table(poetry, "dependencies")) - {"python"}
    names |= set(table(poetry, "dev-dependencies"))
    for group in table(poetry, "group").values():
        names |= set(table(group, "dependencies"))
    pipfile = _toml_file(folder / "Pipfile")
    names |= set(table(pipfile, "packages")) | set(table(pipfile, "dev-packages"))
    return {re.sub(r"[-_.]+", "-", n).lower() for n in names if n}


def _toml_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return {}


def direct_npm_names(folder: Path) -> set[str]:
    try:
        data = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return set()
    names: set[str] = set()
    for section in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
        names |= set(table(data, section))
    return names


_PACKAGE_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*package[ \t]*\]\][ \t]*(?:#.*)?$", re.M)


def package_lines(text: str) -> list[int]:
    """Line of each `[[package]]` table's `name` (else its header), in file order: one pass."""
    lines = Lines(text)
    out = []
    for match in _PACKAGE_HEADER.finditer(text):
        header = lines.at(match.start())
        at = text.find("\n", match.end())
        nxt = text[at + 1 : at + 200] if at >= 0 else ""
        out.append(header + 1 if nxt.lstrip().startswith("name") else header)
    return out

"""Helpers every lock-file parser shares: safe reading, line lookup, direct-dependency names."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from lockgate.deps.model import FileProblem


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


def line_of(text: str, needle: str, start: int = 0) -> int | None:
    """1-based line of the first occurrence of `needle` at or after character `start`."""
    at = text.find(needle, start)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def line_index(text: str) -> list[int]:
    """Offsets of line starts, for many lookups in one file."""
    return [0, *(m.end() for m in re.finditer("\n", text))]


def direct_python_names(folder: Path) -> set[str]:
    """Normalised names declared in a sibling pyproject.toml or Pipfile (empty when none)."""
    from packaging.requirements import InvalidRequirement, Requirement

    names: set[str] = set()
    try:
        data = tomllib.loads((folder / "pyproject.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError):
        data = {}
    project = data.get("project", {})
    specs = list(project.get("dependencies", []))
    for extra in (project.get("optional-dependencies") or {}).values():
        specs += list(extra)
    for group in (data.get("dependency-groups") or {}).values():
        specs += [s for s in group if isinstance(s, str)]
    for spec in specs:
        try:
            names.add(Requirement(spec).name)
        except InvalidRequirement:
            continue
    poetry = data.get("tool", {}).get("poetry", {})
    names |= set(poetry.get("dependencies", {})) - {"python"}
    for group in (poetry.get("group") or {}).values():
        names |= set(group.get("dependencies", {}))
    try:
        pipfile = tomllib.loads((folder / "Pipfile").read_text())
        names |= set(pipfile.get("packages", {})) | set(pipfile.get("dev-packages", {}))
    except (OSError, tomllib.TOMLDecodeError):
        pass
    return {re.sub(r"[-_.]+", "-", n).lower() for n in names}


def direct_npm_names(folder: Path) -> set[str]:
    try:
        data = json.loads((folder / "package.json").read_text())
    except (OSError, ValueError):
        return set()
    names: set[str] = set()
    for section in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
        names |= set(data.get(section) or {})
    return names

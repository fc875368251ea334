"""requirements*.txt as pip reads it: `==` pins are checked, `-r` includes followed, `-c` pins applied.

Lines are joined and stripped as pip does (`\\` continuations, `#` after whitespace or a tab),
option lines (`-i URL`, `-f ./wheels`, `--hash=...`) are understood rather than taken for packages,
and `-r`/`-c` paths are relative to the including file, with include cycles reported. A
requirement without a pin is covered by a `-c` constraint that pins it; otherwise it is skipped.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from lockgate.deps.model import (
    Dependency,
    Ecosystem,
    FileProblem,
    ParseResult,
    SkippedDependency,
    SkipReason,
    normalise_name,
)
from lockgate.deps.parsers.common import Unparsable, read_text

_COMMENT = re.compile(r"(^|\s+)#.*$")
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|file:)", re.I)
_NAMED_URL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@")
_ARCHIVE = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar")
# pip's requirement-file options: those that take a value, and flags
_VALUE = {
    "-r": "requirement",
    "--requirement": "requirement",
    "-c": "constraint",
    "--constraint": "constraint",
    "-e": "editable",
    "--editable": "editable",
    "-i": "index",
    "--index-url": "index",
    "--extra-index-url": "index",
    "-f": "index",
    "--find-links": "index",
    "--trusted-host": "index",
    "--no-binary": "index",
    "--only-binary": "index",
    "--use-feature": "index",
    "--hash": "per-requirement",
    "--config-settings": "per-requirement",
    "--global-option": "per-requirement",
}
_FLAGS = {"--no-index", "--pre", "--prefer-binary", "--require-hashes"}
_LONG = sorted(o for o in [*_VALUE, *_FLAGS] if o.startswith("--"))
MAX_DEPTH = 32


def pinned_version(req: Requirement) -> str | None:
    """The one version an `==` (or `===`) specifier allows, if any."""
    for spec in req.specifier:
        if spec.operator in {"==", "==="} and "*" not in spec.version:
            return spec.version
    return None


def parse(project: Path, rel: str) -> ParseResult:
    reader = _Reader(project)
    reader.read(rel, (), constraint=False)
    return reader.result()


@dataclass
class _Reader:
    project: Path
    deps: list[Dependency] = field(default_factory=list)
    skipped: list[SkippedDependency] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    pins: dict[str, Dependency] = field(default_factory=dict)  # from -c files, by name
    loose: list[tuple[Requirement, str, int]] = field(default_factory=list)
    seen: set[tuple[str, bool]] = field(default_factory=set)
    options_only: bool = True

    def read(self, rel: str, chain: tuple[str, ...], *, constraint: bool) -> None:
        self.seen.add((rel, constraint))
        text = read_text(self.project / rel)  # Unparsable: the caller reports it
        for lineno, line in logical_lines(text):
            try:
                self._line(rel, lineno, line, (*chain, rel), constraint)
            except _LineProblem as exc:
                self.problems.append(FileProblem(rel, lineno, exc.reason, exc.fix))

    def _line(
        self, rel: str, lineno: int, line: str, chain: tuple[str, ...], constraint: bool
    ) -> None:
        args, options = _split(line)
        for name, value in _options(options):
            kind = _VALUE.get(name)
            if kind in {"requirement", "constraint"}:
                self._include(rel, lineno, value, chain, constraint or kind == "constraint")
            elif kind == "editable":
                self._editable(rel, lineno, value)
        if args:
            self.options_only = False
            self._requirement(rel, lineno, args, constraint)

    def _editable(self, rel: str, lineno: int, value: str) -> None:
        folder = posixpath.normpath(posixpath.join(posixpath.dirname(rel), value.split("[")[0]))
        if _URL.match(value) or not _is_file(self.project / folder / "pyproject.toml"):
            self.options_only = False
            egg = re.search(r"#egg=([A-Za-z0-9_.-]+)", value)
            self._skip(rel, lineno, egg.group(1) if egg else value, "editable install")
        # else: a local project whose pyproject.toml is read on its own

    def _requirement(self, rel: str, lineno: int, text: str, constraint: bool) -> None:
        spec = text.split(";", 1)[0].strip()
        named_url = _NAMED_URL.match(spec)
        if not named_url and (
            _URL.match(spec) or "/" in spec or spec.startswith(".") or spec.endswith(_ARCHIVE)
        ):
            if not constraint:
                egg = re.search(r"#egg=([A-Za-z0-9_.-]+)", spec)
                self._skip(rel, lineno, egg.group(1) if egg else spec, "a URL or path")
            return
        try:
            req = Requirement(text)
        except InvalidRequirement as exc:
            raise _LineProblem(
                f"not a requirement: {exc}", "write it as `name==1.2.3` (PEP 508)"
            ) from exc
        if req.url:
            if not constraint:
                self._skip(rel, lineno, req.name, f"from {req.url[:80]}")
            return
        version = pinned_version(req)
        if constraint:
            if version:
                key = normalise_name(Ecosystem.PYPI, req.name)
                dep = Dependency(Ecosystem.PYPI, req.name, version, rel, lineno, False)
                self.pins.setdefault(key, dep)
        elif version:
            self.deps.append(Dependency(Ecosystem.PYPI, req.name, version, rel, lineno, True))
        else:
            self.loose.append((req, rel, lineno))

    def _include(
        self, rel: str, lineno: int, value: str, chain: tuple[str, ...], constraint: bool
    ) -> None:
        flag = "-c" if constraint else "-r"
        if _URL.match(value):
            raise _LineProblem(
                f"{flag} {value[:80]}: lockgate does not download included files",
                "commit the file and include it by a relative path",
            )
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), value))
        if posixpath.isabs(value) or target == ".." or target.startswith("../"):
            raise _LineProblem(
                f"{flag} {value}: outside the project, not read",
                "keep included requirement files inside the project",
            )
        if target in chain:
            cycle = " -> ".join((*chain[chain.index(target) :], target))
            raise _LineProblem(
                f"include cycle: {cycle}", "remove one of the includes (pip cannot install it)"
            )
        if len(chain) >= MAX_DEPTH:
            raise _LineProblem(f"includes nested over {MAX_DEPTH} deep", "flatten the includes")
        if not _is_file(self.project / target):
            raise _LineProblem(
                f"{flag} {value}: {target} does not exist",
                "fix the path (it is relative to the file that includes it)",
            )
        if (target, constraint) in self.seen:
            return  # read already through another include
        try:
            self.read(target, chain, constraint=constraint)
        except Unparsable as exc:
            raise _LineProblem(f"{flag} {value}: {exc.problem_reason}", exc.fix) from exc

    def _skip(self, rel: str, lineno: int, name: str, why: str) -> None:
        self.skipped.append(
            SkippedDependency(Ecosystem.PYPI, name, rel, lineno, why, SkipReason.NOT_REGISTRY)
        )

    def result(self) -> ParseResult:
        used: set[str] = set()
        for req, rel, lineno in self.loose:
            key = normalise_name(Ecosystem.PYPI, req.name)
            pin = self.pins.get(key)
            if pin is None:
                self.skipped.append(
                    SkippedDependency(
                        Ecosystem.PYPI,
                        req.name,
                        rel,
                        lineno,
                        str(req.specifier) or "any version",
                        SkipReason.UNPINNED,
                    )
                )
                continue
            used.add(key)
            self.deps.append(
                Dependency(Ecosystem.PYPI, req.name, pin.version, pin.source_file, pin.line, True)
            )
        # a constraint file pins what gets installed through dependencies too
        self.deps += [pin for key, pin in self.pins.items() if key not in used]
        empty = self.options_only and not self.problems
        return ParseResult(tuple(self.deps), tuple(self.skipped), tuple(self.problems), empty)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the system: no such file either
        return False


class _LineProblem(Exception):
    def __init__(self, reason: str, fix: str) -> None:
        super().__init__(reason)
        self.reason, self.fix = reason, fix


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first physical line, text) per logical line, as pip's join_lines + ignore_comments."""
    buffer: list[str] = []
    start = 0
    for no, raw in enumerate(text.splitlines(), start=1):
        is_comment = bool(re.match(r"\s*#", raw))
        if raw.endswith("\\") and not is_comment:
            start = start if buffer else no
            buffer.append(raw[:-1])
            continue
        if buffer:
            buffer.append(" " + raw if is_comment else raw)
            joined, first, buffer = "".join(buffer), start, []
        else:
            joined, first = raw, no
        line = _COMMENT.sub("", joined).strip()
        if line:
            yield first, line
    if buffer:
        line = _COMMENT.sub("", "".join(buffer)).strip()
        if line:
            yield start, line


def _split(line: str) -> tuple[str, str]:
    """pip's break_args_options: words up to the first one starting with '-' are the requirement."""
    tokens = line.split(" ")
    for i, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(tokens[:i]).strip(), " ".join(tokens[i:])
    return line.strip(), ""


def _options(text: str) -> list[tuple[str, str]]:
    """(option, value) pairs of an option string; unknown options are a problem, as for pip."""
    if not text:
        return []
    try:
        tokens = shlex.split(text)
    except ValueError as exc:
        raise _LineProblem(f"cannot split the options: {exc}", "fix the quoting") from exc
    out: list[tuple[str, str]] = []
    while tokens:
        token = tokens.pop(0)
        name, value = _option_name(token)
        if name in _FLAGS:
            out.append((name, ""))
            continue
        if value is None:
            if not tokens:
                raise _LineProblem(f"{name} needs a value", f"write `{name} VALUE`")
            value = tokens.pop(0)
        out.append((name, value))
    return out


def _option_name(token: str) -> tuple[str, str | None]:
    """('--index-url', value or None) for '--index-url=X', '--index-url', '-iX', '-i'."""
    if token.startswith("--"):
        name, eq, value = token.partition("=")
        matches = [o for o in _LONG if o == name] or [o for o in _LONG if o.startswith(name)]
        if len(matches) != 1:
            raise _LineProblem(
                f"unknown pip option {name[:40]}", "remove it (pip refuses the file too)"
            )
        return matches[0], value if eq else None
    name, rest = token[:2], token[2:]
    if name not in _VALUE or not token.startswith("-"):
        raise _LineProblem(
            f"unknown pip option {token[:40]}", "remove it (pip refuses the file too)"
        )
    return name, rest or None

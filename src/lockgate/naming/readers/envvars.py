"""Environment variable names: ENV and ARG in Containerfiles, KEY=value lines in .env files."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from lockgate.naming.interface import Found, NamedObject, ObjectKind, Source, Unread
from lockgate.naming.readers.text import read_text

_CONTAINERFILE = re.compile(
    r"(Containerfile|Dockerfile)(\..+)?|.+\.(containerfile|dockerfile)", re.I
)
_ENVFILE = re.compile(r"\.env(\..+)?")
_INSTRUCTION = re.compile(r"^\s*(ENV|ARG)\s+(.*)$", re.I)
_PAIR = re.compile(r"([^\s=]+)(=(\"[^\"]*\"|'[^']*'|\S*))?")
_ASSIGN = re.compile(r"^\s*(?:export\s+)?([^\s=#]+)\s*=")


def read(source: Source) -> Found:
    objects: list[NamedObject] = []
    unread: list[Unread] = []
    files = 0
    for path in source.files:
        name = PurePosixPath(path).name
        parse = (
            _containerfile
            if _CONTAINERFILE.fullmatch(name)
            else (_envfile if _ENVFILE.fullmatch(name) else None)
        )
        if parse is None:
            continue
        files += 1
        text = read_text(source.root, path)
        if isinstance(text, Unread):
            unread.append(text)
        else:
            objects += parse(path, text)
    return Found(tuple(objects), tuple(unread), files)


def _obj(name: str, path: str, line: int) -> NamedObject:
    return NamedObject(ObjectKind.ENV_VAR, name, f"environment variable {name}", path, line)


def _containerfile(path: str, text: str) -> list[NamedObject]:
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        m = _INSTRUCTION.match(line)
        if m is None:
            continue
        rest = m.group(2).rstrip("\\").strip()
        if m.group(1).upper() == "ENV" and "=" not in rest.split(" ", 1)[0]:
            names = rest.split()[:1]  # legacy `ENV NAME value`
        else:
            names = [p.group(1) for p in _PAIR.finditer(rest)]
        out += [_obj(n, path, number) for n in names if n]
    return out


def _envfile(path: str, text: str) -> list[NamedObject]:
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        m = _ASSIGN.match(line)
        if m and not line.lstrip().startswith("#"):
            out.append(_obj(m.group(1), path, number))
    return out

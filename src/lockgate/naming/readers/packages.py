"""Package and library names: pyproject.toml, package.json, *.csproj and *.gemspec."""

from __future__ import annotations

import json
import re
import tomllib
import xml.etree.ElementTree as ET
from pathlib import PurePosixPath

from lockgate.naming.interface import Found, NamedObject, ObjectKind, Source, Unread
from lockgate.naming.limits import Platform
from lockgate.naming.readers.text import line_of, read_text

_GEMSPEC = re.compile(r"""\.name\s*=\s*["']([^"']+)["']""")


def read(source: Source) -> Found:
    objects: list[NamedObject] = []
    unread: list[Unread] = []
    files = 0
    for path in source.files:
        reader = _reader(path)
        if reader is None:
            continue
        files += 1
        text = read_text(source.root, path)
        if isinstance(text, Unread):
            unread.append(text)
            continue
        try:
            objects += reader(path, text)
        except (ValueError, ET.ParseError, tomllib.TOMLDecodeError, RecursionError) as exc:
            unread.append(Unread(path, f"cannot be parsed: {exc}", f"fix the syntax of {path}"))
    return Found(tuple(objects), tuple(unread), files)


def _reader(path: str):  # type: ignore[no-untyped-def]
    name = PurePosixPath(path).name
    if name == "pyproject.toml":
        return _pyproject
    if name == "package.json" and "node_modules/" not in path:
        return _package_json
    if name.endswith(".csproj"):
        return _csproj
    if name.endswith(".gemspec"):
        return _gemspec
    return None


def _pyproject(path: str, text: str) -> list[NamedObject]:
    name = tomllib.loads(text).get("project", {}).get("name")
    if not isinstance(name, str):
        return []
    return [
        NamedObject(ObjectKind.PACKAGE, name, f"Python package {name}", path, line_of(text, name))
    ]


def _package_json(path: str, text: str) -> list[NamedObject]:
    data = json.loads(text)
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str):
        return []
    return [NamedObject(ObjectKind.PACKAGE, name, f"npm package {name}", path, line_of(text, name))]


def _csproj(path: str, text: str) -> list[NamedObject]:
    root = ET.fromstring(text)
    for tag in ("PackageId", "AssemblyName"):
        found = root.find(f".//{tag}")
        if found is not None and found.text and "$(" not in found.text:
            name = found.text.strip()
            return [
                NamedObject(
                    ObjectKind.DOTNET_PACKAGE, name, f".NET {tag} {name}", path, line_of(text, name)
                )
            ]
    name = PurePosixPath(path).name.removesuffix(".csproj")
    return [NamedObject(ObjectKind.DOTNET_PACKAGE, name, f".NET project {name}", path, 1)]


def _gemspec(path: str, text: str) -> list[NamedObject]:
    m = _GEMSPEC.search(text)
    if m is None:
        return []
    name = m.group(1)
    line = text.count("\n", 0, m.start()) + 1
    return [NamedObject(ObjectKind.PACKAGE, name, f"Ruby gem {name}", path, line, Platform.NONE)]

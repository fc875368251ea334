"""MSBuild XML shared by the .NET parsers: safe parsing, `$(Property)` values, exact NuGet versions."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from lockgate.deps.parsers.common import Unparsable

_EXACT = re.compile(r"^\[?\s*(\d+(?:\.\d+){1,3}(?:-[0-9A-Za-z.-]+)?)\s*\]?$")
_PROPERTY = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def load(text: str, fix: str) -> ET.Element:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise Unparsable("a DOCTYPE or ENTITY declaration (not read, for safety)", fix)
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise Unparsable(f"invalid XML: {exc}", fix, exc.position[0]) from exc


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def properties(root: ET.Element) -> dict[str, str]:
    """`<PropertyGroup>` values of this file (the last definition wins, as in MSBuild)."""
    return {
        local(prop.tag): (prop.text or "").strip()
        for group in root.iter()
        if local(group.tag) == "PropertyGroup"
        for prop in group
    }


def expand(value: str, props: dict[str, str]) -> str:
    """Substitute `$(Name)` from this file's properties; unknown ones are left as written."""
    return _PROPERTY.sub(lambda m: props.get(m.group(1), m.group(0)), value)


def exact(version: str) -> str | None:
    """The version a NuGet version string resolves to when it names one ("1.2.3", "[1.2.3]")."""
    match = _EXACT.match(version)
    if match and version.strip().startswith("[") == version.strip().endswith("]"):
        return match.group(1)
    return None

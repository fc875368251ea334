"""CycloneDX 1.6 JSON SBOM of the dependencies found (one component per distinct package URL)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from lockgate import __version__
from lockgate.deps.model import Dependency, Ecosystem

SPEC_VERSION = "1.6"
_PURL_TYPE = {
    Ecosystem.PYPI: "pypi",
    Ecosystem.NPM: "npm",
    Ecosystem.NUGET: "nuget",
    Ecosystem.RUBYGEMS: "gem",
}


def purl(dep: Dependency) -> str:
    """The package URL; PyPI names lower-cased with `_` as `-` (the purl spec), dots kept as
    published (`zope.interface`, not PEP 503's `zope-interface`)."""
    kind = _PURL_TYPE[dep.ecosystem]
    name = dep.name.lower().replace("_", "-") if dep.ecosystem is Ecosystem.PYPI else dep.name
    if dep.ecosystem is Ecosystem.NPM and name.startswith("@") and "/" in name:
        scope, _, base = name.partition("/")
        return f"pkg:{kind}/{quote(scope)}/{quote(base)}@{quote(dep.version)}"
    return f"pkg:{kind}/{quote(name)}@{quote(dep.version)}"


def build(service: str, dependencies: Iterable[Dependency]) -> dict[str, Any]:
    components: dict[str, dict[str, Any]] = {}
    for dep in dependencies:
        ref = purl(dep)
        entry = components.setdefault(
            ref,
            {
                "type": "library",
                "bom-ref": ref,
                "name": dep.name,
                "version": dep.version,
                "purl": ref,
                "scope": "required",
                "properties": [],
            },
        )
        entry["properties"].append({"name": "lockgate:source_file", "value": dep.source_file})
        if dep.direct:
            entry["properties"].append({"name": "lockgate:direct", "value": "true"})
    root_ref = f"lockgate:service:{service or 'project'}"
    return {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": f"urn:uuid:{uuid.uuid4()}",
        "version": 1,
        "metadata": {
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tools": {
                "components": [{"type": "application", "name": "lockgate", "version": __version__}]
            },
            "component": {"type": "application", "bom-ref": root_ref, "name": service or "project"},
        },
        "components": [
            _dedupe_props(c) for c in sorted(components.values(), key=lambda c: c["bom-ref"])
        ],
        "dependencies": [{"ref": root_ref, "dependsOn": sorted(components)}],
    }


def _dedupe_props(component: dict[str, Any]) -> dict[str, Any]:
    seen = {(p["name"], p["value"]): p for p in component["properties"]}
    component["properties"] = list(seen.values())
    return component


def dumps(bom: dict[str, Any]) -> str:
    return json.dumps(bom, indent=2) + "\n"

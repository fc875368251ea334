"""The CycloneDX SBOM validates against the 1.6 schema shipped with cyclonedx-python-lib."""

from __future__ import annotations

import json

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from lockgate.deps import sbom
from lockgate.deps.model import Dependency, Ecosystem
from lockgate.deps.parsers import parse_file
from tests.testing.harness import FIXTURES


def test_sbom_of_every_fixture_lock_file_is_valid_cyclonedx_1_6() -> None:
    root = FIXTURES / "deps" / "polyglot"
    deps = [
        d
        for p in sorted(root.rglob("*"))
        if p.is_file()
        for d in parse_file(root, p.relative_to(root).as_posix()).dependencies
    ]
    text = sbom.dumps(sbom.build("sample", deps))
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    purls = {c["purl"] for c in bom["components"]}
    assert {
        "pkg:pypi/jinja2@2.10",
        "pkg:npm/%40types/node@20.11.0",
        "pkg:nuget/Newtonsoft.Json@12.0.3",
        "pkg:gem/rack@2.2.8",
    } <= purls
    assert len(purls) == len(bom["components"])


def test_same_package_in_two_files_is_one_component_with_both_sources() -> None:
    a = Dependency(Ecosystem.PYPI, "Jinja2", "2.10", "a/requirements.txt", 1, True)
    b = Dependency(Ecosystem.PYPI, "jinja2", "2.10", "b/poetry.lock", 3, False)
    (component,) = sbom.build("svc", [a, b])["components"]
    sources = {p["value"] for p in component["properties"] if p["name"] == "lockgate:source_file"}
    assert sources == {"a/requirements.txt", "b/poetry.lock"}


def test_pypi_purls_keep_the_published_name() -> None:
    deps = [
        Dependency(Ecosystem.PYPI, "zope.interface", "5.4.0", "requirements.txt", 1, True),
        Dependency(Ecosystem.PYPI, "Typing_Extensions", "4.0.0", "requirements.txt", 2, True),
    ]
    purls = {c["purl"] for c in sbom.build("svc", deps)["components"]}
    assert purls == {"pkg:pypi/zope.interface@5.4.0", "pkg:pypi/typing-extensions@4.0.0"}

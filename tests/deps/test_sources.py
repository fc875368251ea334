"""Where a locked package came from: registry releases are checked (aliases under the real name),
git, URL, file and path packages are skipped, and the project's own entries are not packages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lockgate.deps.model import SkipReason
from lockgate.deps.parsers import parse_file

N = SkipReason.NOT_REGISTRY

YARN_V1 = """\
# yarn lockfile v1


"fetch@npm:node-fetch@^3.1.0":
  version "3.1.0"
  resolved "https://registry.example.invalid/node-fetch/-/node-fetch-3.1.0.tgz#0"

lodash@^4.17.15:
  version "4.17.15"
  resolved "https://registry.example.invalid/lodash/-/lodash-4.17.15.tgz#1"

"mine@file:../mine":
  version "1.0.0"

"fork@git+https://example.invalid/fork.git#abc":
  version "2.0.0"
  resolved "git+https://example.invalid/fork.git#abc"
"""

YARN_BERRY = """\
__metadata:
  version: 8
  cacheKey: 10

"fetch@npm:node-fetch@3.1.0":
  version: 3.1.0
  resolution: "node-fetch@npm:3.1.0"
  languageName: node
  linkType: hard

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  languageName: unknown
  linkType: soft

"resolve@patch:resolve@npm%3A^1.22.0#~builtin<compat/resolve>":
  version: 1.22.1
  resolution: "resolve@patch:resolve@npm%3A1.22.1#~builtin<compat/resolve>::version=1.22.1&hash=0"
  languageName: node
  linkType: hard

"fork@https://example.invalid/fork.git#commit=abc":
  version: 2.0.0
  resolution: "fork@https://example.invalid/fork.git#commit=abc"
  languageName: node
  linkType: hard
"""

NPM_V3 = {
    "lockfileVersion": 3,
    "packages": {
        "": {"name": "app", "dependencies": {"fetch": "npm:node-fetch@3.1.0"}},
        "node_modules/fetch": {"name": "node-fetch", "version": "3.1.0"},
        "node_modules/mine": {"version": "1.0.0", "resolved": "file:../mine"},
        "node_modules/fork": {
            "version": "2.0.0",
            "resolved": "git+ssh://git@example.invalid/f.git#a",
        },
        "node_modules/tarball": {"version": "1.0.0", "resolved": "https://example.invalid/t.tgz"},
        "node_modules/app-lib": {"resolved": "packages/lib", "link": True},
        "packages/lib": {"name": "app-lib", "version": "0.1.0"},
    },
}

NPM_V1 = {
    "lockfileVersion": 1,
    "dependencies": {
        "fetch": {"version": "npm:node-fetch@3.1.0"},
        "mine": {"version": "file:../mine"},
        "fork": {"version": "github:someone/fork#abc"},
    },
}

POETRY = """\
[[package]]
name = "jinja2"
version = "2.10"
description = ""
optional = false
python-versions = "*"

[package.source]
type = "git"
url = "https://example.invalid/jinja.git"
reference = "main"
resolved_reference = "abc"

[[package]]
name = "flask"
version = "0.12.2"
description = ""
optional = false
python-versions = "*"

[package.source]
type = "legacy"
url = "https://mirror.example.invalid/simple"
reference = "mirror"

[[package]]
name = "local"
version = "0.1.0"
description = ""
optional = false
python-versions = "*"

[package.source]
type = "directory"
url = "../local"

[[package]]
name = "wheel-pkg"
version = "1.0"
description = ""
optional = false
python-versions = "*"

[package.source]
type = "url"
url = "https://example.invalid/wheel_pkg-1.0-py3-none-any.whl"
"""

UV = """\
version = 1

[manifest]
members = ["app", "lib"]

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }

[[package]]
name = "lib"
version = "0.1.0"
source = { editable = "packages/lib" }

[[package]]
name = "jinja2"
version = "2.10"
source = { git = "https://example.invalid/jinja.git?rev=main#abc" }

[[package]]
name = "django"
version = "3.2.0"
source = { url = "https://example.invalid/django-3.2.0.tar.gz" }

[[package]]
name = "vendored"
version = "1.0"
source = { path = "vendor/vendored-1.0.tar.gz" }

[[package]]
name = "sqlparse"
version = "0.4.1"
source = { registry = "https://index.example.invalid/simple" }
"""

CASES = [
    pytest.param(
        "yarn.lock",
        YARN_V1,
        {("node-fetch", "3.1.0"), ("lodash", "4.17.15")},
        {("mine", N), ("fork", N)},
        id="yarn v1",
    ),
    pytest.param(
        "yarn.lock",
        YARN_BERRY,
        {("node-fetch", "3.1.0"), ("resolve", "1.22.1")},
        {("fork", N)},
        id="yarn berry",
    ),
    pytest.param(
        "package-lock.json",
        json.dumps(NPM_V3, indent=2),
        {("node-fetch", "3.1.0")},
        {("mine", N), ("fork", N), ("tarball", N)},
        id="package-lock v3",
    ),
    pytest.param(
        "package-lock.json",
        json.dumps(NPM_V1, indent=2),
        {("node-fetch", "3.1.0")},
        {("mine", N), ("fork", N)},
        id="package-lock v1",
    ),
    pytest.param(
        "poetry.lock",
        POETRY,
        {("flask", "0.12.2")},
        {("jinja2", N), ("local", N), ("wheel-pkg", N)},
        id="poetry.lock",
    ),
    pytest.param(
        "uv.lock",
        UV,
        {("sqlparse", "0.4.1")},
        {("jinja2", N), ("django", N), ("vendored", N)},
        id="uv.lock",
    ),
]


@pytest.mark.parametrize(("name", "text", "checked", "skipped"), CASES)
def test_registry_releases_are_checked_under_their_real_name(
    tmp_path: Path, name: str, text: str, checked: set, skipped: set
) -> None:
    (tmp_path / name).write_text(text)
    result = parse_file(tmp_path, name)
    assert not result.problems, result.problems
    assert {(d.name, d.version) for d in result.dependencies} == checked
    assert {(s.name, s.kind) for s in result.skipped} == skipped
    assert all(s.line for s in result.skipped)


def test_npm_lock_entries_of_the_wrong_shape_are_skipped_not_fatal(tmp_path: Path) -> None:
    lock = {
        "lockfileVersion": 3,
        "packages": {
            "node_modules/a": {"name": 5, "version": "1.0.0"},
            "node_modules/b": {"version": ["1.0.0"]},
            "node_modules/c": "1.0.0",
            "node_modules/d": {"version": "1" * 5000},
            "node_modules/lodash": {"version": "4.17.15"},
        },
    }
    (tmp_path / "package-lock.json").write_text(json.dumps(lock, indent=2))
    result = parse_file(tmp_path, "package-lock.json")
    assert [(d.name, d.version) for d in result.dependencies] == [("lodash", "4.17.15")]
    kinds = {s.name: s.kind for s in result.skipped}
    assert kinds == {
        "a": SkipReason.MALFORMED,
        "b": SkipReason.MALFORMED,
        "c": SkipReason.MALFORMED,
        "d": SkipReason.BAD_VERSION,
    }

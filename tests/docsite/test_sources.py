"""Each docs source on small projects: what it renders, what it flags as undocumented, what it cannot read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lockgate.docsite import documents, openapi, pyapi, terraform
from lockgate.docsite.interface import GapKind, Source

OPTIONS = {
    "openapi": "",
    "python_paths": [],
    "terraform_paths": [],
    "adr_dir": "docs/adr",
    "title": "",
}
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def source(root: Path, files: dict[str, str], **options: Any) -> Source:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return Source(root, tuple(sorted(files)), {**OPTIONS, **options}, "rents", None)


def gaps(part: Any) -> set[tuple[str, str]]:
    return {(g.kind.value, g.what) for g in part.gaps}


API = {
    "openapi": "3.1.0",
    "info": {"title": "Rents", "version": "1.0", "description": HOSTILE},
    "paths": {
        "/rents/{id}": {
            "get": {
                "summary": "Get a rent",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Rent"}}
                        },
                    }
                },
            },
            "delete": {"responses": {"204": {"description": "gone"}}},
        },
        "/health": {"get": {"description": HOSTILE, "responses": {}}},
    },
    "components": {
        "schemas": {"Rent": {"properties": {"amount": {"type": "number", "description": HOSTILE}}}}
    },
}


def test_openapi_every_operation_rendered_and_undocumented_flagged(tmp_path: Path) -> None:
    part = openapi.build(source(tmp_path, {"openapi.json": json.dumps(API)}))
    [page] = part.pages
    for method, path in (("get", "/rents/{id}"), ("delete", "/rents/{id}"), ("get", "/health")):
        assert f'<span class="method">{method}</span> <code>{path}</code>' in page.body
    assert 'href="#schema-Rent"' in page.body and 'id="schema-Rent"' in page.body
    assert gaps(part) == {("http-endpoint", "DELETE /rents/{id}")}
    assert part.items == {"endpoints": 3}
    assert "<script" not in page.body and "<img" not in page.body


def test_openapi_yaml_in_docs_folder(tmp_path: Path) -> None:
    text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post: {summary: Make one}\n"
    part = openapi.build(source(tmp_path, {"docs/openapi.yaml": text}))
    assert "<code>/a</code>" in part.pages[0].body and not part.gaps


@pytest.mark.parametrize(
    "text", ["{not json", '{"openapi": "3.0.0"}', "[]", "[" * 100_000 + "]" * 100_000]
)
def test_openapi_unreadable_is_reported(tmp_path: Path, text: str) -> None:
    part = openapi.build(source(tmp_path, {"openapi.json": text}))
    assert not part.pages and part.unread[0].what == "openapi.json" and part.unread[0].fix


def test_no_openapi_document_no_page(tmp_path: Path) -> None:
    assert openapi.build(source(tmp_path, {"README.md": "x"})).pages == ()


TF = """\
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}
variable "name" {
  description = "Service name <b>bold</b>"
  type        = string
  default     = "rents"
}
variable "undocumented" {
  type = list(string)
}
output "arn" {
  value = aws_s3_bucket.this.arn
}
resource "aws_s3_bucket" "this" {
  bucket = var.name
}
data "aws_region" "current" {}
module "network" {
  source = "./network"
}
"""


def test_terraform_module_inputs_outputs_resources_providers(tmp_path: Path) -> None:
    part = terraform.build(
        source(
            tmp_path,
            {
                "infra/main.tf": TF,
                "infra/network/main.tf": 'variable "cidr" {\n  description = "CIDR"\n}\n',
            },
        )
    )
    slugs = [p.slug for p in part.pages]
    assert slugs == ["terraform-infra", "terraform-infra-network"]
    body = part.pages[0].body
    for text in (
        "<code>name</code>",
        "<code>undocumented</code>",
        "list(string)",
        "<code>arn</code>",
        "<code>aws_s3_bucket.this</code>",
        "<code>data.aws_region.current</code>",
        "hashicorp/aws",
        "~&gt; 5.0",
        "./network",
        "infra/main.tf:6",
    ):
        assert text in body, text
    assert "Service name &lt;b&gt;bold&lt;/b&gt;" in body
    assert gaps(part) == {
        ("terraform-variable", 'variable "undocumented"'),
        ("terraform-output", 'output "arn"'),
    }
    assert part.items == {"terraform variables": 3, "terraform outputs": 1}


def test_terraform_tests_and_examples_only_when_configured(tmp_path: Path) -> None:
    files = {"tests/fixtures/bad/main.tf": TF, "examples/x/main.tf": TF, ".terraform/m/main.tf": TF}
    assert terraform.build(source(tmp_path, files)).pages == ()
    part = terraform.build(source(tmp_path, files, terraform_paths=["examples/x"]))
    assert [p.slug for p in part.pages] == ["terraform-examples-x"]


def test_terraform_unparsable_file_is_unread_other_files_still_documented(tmp_path: Path) -> None:
    part = terraform.build(source(tmp_path, {"main.tf": TF, "bad.tf": 'variable "x" {\n'}))
    assert [u.what.split(":")[0] for u in part.unread] == ["bad.tf"]
    assert "<code>undocumented</code>" in part.pages[0].body


PY = {
    "src/rents/__init__.py": '"""Rents service."""\n',
    "src/rents/api.py": f'"""HTTP handlers {HOSTILE}."""\n\n__all__ = ["get_rent"]\n\n'
    'def get_rent(ref: str, *, cached: bool = False) -> dict[str, int]:\n    """One rent."""\n\n'
    "def helper():\n    pass\n",
    "src/rents/models.py": "class Rent(Base):\n    def total(self) -> int:\n        return 1\n    def _hidden(self):\n        pass\n",
    "src/rents/_private.py": "x = 1\n",
    "tests/test_api.py": "def test(): pass\n",
}


def test_python_api_by_static_analysis(tmp_path: Path) -> None:
    files = {**PY, "src/rents/boom.py": "import not_installed_anywhere\nraise SystemExit(3)\n"}
    part = pyapi.build(source(tmp_path, files))
    body = part.pages[0].body
    assert "def get_rent(ref: str, *, cached: bool=False) -&gt; dict[str, int]" in body
    assert "helper" not in body  # not in __all__
    assert (
        "class Rent(Base)" in body and "def total(self) -&gt; int" in body and "_hidden" not in body
    )
    assert "_private" not in body and "test_api" not in body
    assert "<script" not in body
    assert gaps(part) == {("python-module", "rents.models"), ("python-module", "rents.boom")}
    assert part.items == {"python modules": 4}


def test_python_docstring_with_surrogates_is_written_as_valid_text(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": '"""Caf\\udce9."""\n', "pkg/b.py": '"""Lone \\ud800."""\n'}
    body = pyapi.build(source(tmp_path, files)).pages[0].body
    assert "Caf\ufffd." in body and "Lone \\ud800." in body
    body.encode("utf-8")  # no lone surrogates left


def test_python_syntax_error_is_unread(tmp_path: Path) -> None:
    part = pyapi.build(
        source(tmp_path, {"pkg/__init__.py": '"""P."""\n', "pkg/bad.py": "def (:\n"})
    )
    assert [u.what for u in part.unread] == ["pkg/bad.py"]


def test_readme_and_adrs(tmp_path: Path) -> None:
    files = {
        "README.md": f"# Rents\n\n{HOSTILE}\n\n![logo](https://example.com/logo.png)\n\n"
        "[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)\n",
        "docs/adr/0001-use-postgres.md": "# 1. Use PostgreSQL\n\nStatus: Accepted\n\nBecause.\n",
        "docs/adr/0002-kebab.md": "# 2. Kebab case\n\n## Status\n\nProposed\n",
    }
    src = source(tmp_path, files)
    [readme] = documents.readme(src).pages
    assert "&lt;script&gt;" in readme.body and "<script" not in readme.body
    assert "https://example.com" not in readme.body  # no remote images: the site works offline
    assert 'href="javascript:' not in readme.body and 'href="data:' not in readme.body
    part = documents.adrs(src)
    index = part.pages[0]
    assert [p.slug for p in part.pages] == ["adr", "adr-0001-use-postgres", "adr-0002-kebab"]
    assert (
        "1. Use PostgreSQL" in index.body and "Accepted" in index.body and "Proposed" in index.body
    )


def test_gap_kinds_cover_the_gate() -> None:
    assert {k.value for k in GapKind} == {
        "python-module",
        "http-endpoint",
        "terraform-variable",
        "terraform-output",
    }


def test_pipeline_gates_thresholds_and_environments(tmp_path: Path) -> None:
    from lockgate.docsite import pipeline

    toml = (
        '[project]\nname = "rents"\n\n[stages.test]\ncoverage_min = 80\n\n'
        '[stages.sast]\nenabled = false\nfail_on = "high"\n\n'
        f"[environments.staging]\nurl = 'https://staging.example/{HOSTILE}'\nbranches = [\"main\"]\n"
    )
    part = pipeline.build(source(tmp_path, {"lockgate.toml": toml}))
    body = part.pages[0].body
    assert "<code>coverage_min = 80</code>" in body
    sast = body[body.index("<code>sast</code>") :].split("</tr>")[0]
    assert "<td>no</td>" in sast and "<td>high</td>" in sast
    assert "<code>staging</code>" in body and "<script" not in body
    assert "<code>docs</code>" in body and "<code>naming</code>" in body


def test_pipeline_with_a_broken_config_is_unread(tmp_path: Path) -> None:
    from lockgate.docsite import pipeline

    part = pipeline.build(source(tmp_path, {"lockgate.toml": "[stages.test\n"}))
    assert not part.pages and part.unread[0].what == "pipeline"


@pytest.mark.parametrize(
    ("build", "options", "what", "said"),
    [
        (openapi.build, {"openapi": "api/spec.json"}, "api/spec.json", "does not exist"),
        (pyapi.build, {"python_paths": ["src/rents"]}, "src/rents", "holds no .py file"),
        (terraform.build, {"terraform_paths": ["infra"]}, "infra", "holds no .tf file"),
        (documents.adrs, {"adr_dir": "docs/decisions"}, "docs/decisions", "holds no .md file"),
    ],
)
def test_a_configured_path_with_nothing_to_document_is_said_never_silently_empty(
    tmp_path: Path, build: Any, options: dict[str, Any], what: str, said: str
) -> None:
    files = {"README.md": "# Rents\n", "app.py": '"""App."""\n', "main.tf": 'variable "a" {}\n'}
    [unread] = build(source(tmp_path, files, **options)).unread
    assert unread.what == what and said in unread.reason
    option = next(iter(options))
    assert option in unread.fix


def test_the_default_adr_folder_may_be_missing(tmp_path: Path) -> None:
    assert documents.adrs(source(tmp_path, {"README.md": "# Rents\n"})).unread == ()


def test_a_configured_module_file_is_documented_not_called_empty(tmp_path: Path) -> None:
    part = pyapi.build(source(tmp_path, {"app.py": '"""App."""\n'}, python_paths=["app.py"]))
    assert part.unread == () and "<code>app</code>" in part.pages[0].body

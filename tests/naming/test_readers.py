"""Each reader on small sample files: what it reads (name, file:line) and what it cannot read."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from lockgate.naming.interface import HOLE, Found, ObjectKind, Source
from lockgate.naming.limits import Platform
from lockgate.naming.readers import envvars, kubernetes, packages, repository, settings, terraform


def source(root: Path, files: dict[str, str | bytes], **kw: object) -> Source:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return Source(root, tuple(sorted(files)), "rents", "", **kw)  # type: ignore[arg-type]


def names(found: Found) -> list[tuple[str, str, str, int]]:
    return [(o.kind.value, o.name, o.path, o.line) for o in found.objects]


TF = """\
resource "aws_s3_bucket" "Rents_Bucket" {
  bucket = "Rents_Bucket_PROD"
  tags = {
    Environment = "production"
  }
}

resource "aws_iam_role" "execution" {
  name = "${var.name}-${var.environment}-execution"
  tags = local.tags
}

data "aws_region" "current" {}
"""


def test_terraform_reads_labels_name_attributes_and_tags(tmp_path: Path) -> None:
    found = terraform.read(source(tmp_path, {"infra/main.tf": TF}))
    assert names(found) == [
        ("terraform-label", "Rents_Bucket", "infra/main.tf", 1),
        ("terraform-name", "Rents_Bucket_PROD", "infra/main.tf", 2),
        ("terraform-label", "execution", "infra/main.tf", 8),
        ("terraform-name", f"{HOLE}-{HOLE}-execution", "infra/main.tf", 9),
    ]
    bucket, bucket_name, role, _ = found.objects
    assert bucket.tags == {"Environment": "production"} and bucket.taggable
    assert bucket_name.platform is Platform.S3_BUCKET
    assert role.tags is None and role.tags_unknown
    assert found.files == 1 and not found.unread


def test_terraform_unparsable_file_is_unread_with_its_line(tmp_path: Path) -> None:
    found = terraform.read(source(tmp_path, {"main.tf": 'resource "x" "y" {\n  name = \n}\n'}))
    assert not found.objects
    [unread] = found.unread
    assert unread.path == "main.tf:2" and "HCL parser" in unread.reason and unread.fix


def test_terraform_skips_provider_caches(tmp_path: Path) -> None:
    found = terraform.read(source(tmp_path, {".terraform/modules/m/main.tf": TF}))
    assert found.files == 0 and not found.objects


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"pyproject.toml": '[project]\nname = "rents-api"\n'},
            [("package", "rents-api", "pyproject.toml", 2)],
        ),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, []),
        (
            {"web/package.json": '{\n  "name": "@org/rents-web"\n}\n'},
            [("package", "@org/rents-web", "web/package.json", 2)],
        ),
        ({"node_modules/x/package.json": '{"name": "BadName"}'}, []),
        (
            {
                "src/Rents.csproj": "<Project>\n<PropertyGroup>\n<AssemblyName>Rents.Api</AssemblyName>\n</PropertyGroup>\n</Project>\n"
            },
            [("dotnet-package", "Rents.Api", "src/Rents.csproj", 3)],
        ),
        (
            {"Rents.Worker.csproj": "<Project></Project>"},
            [("dotnet-package", "Rents.Worker", "Rents.Worker.csproj", 1)],
        ),
        (
            {"rents.gemspec": 'Gem::Specification.new do |s|\n  s.name = "rents_client"\nend\n'},
            [("package", "rents_client", "rents.gemspec", 2)],
        ),
    ],
)
def test_packages(
    tmp_path: Path, files: dict[str, str], expected: list[tuple[str, str, str, int]]
) -> None:
    assert names(packages.read(source(tmp_path, dict(files)))) == expected


@pytest.mark.parametrize(
    "files",
    [
        {"pyproject.toml": "[project\nname="},
        {"package.json": "{"},
        {"a.csproj": "<Project>"},
        {"pyproject.toml": b"\xff\xfe"},
    ],
)
def test_packages_unreadable_files_are_reported(
    tmp_path: Path, files: dict[str, str | bytes]
) -> None:
    found = packages.read(source(tmp_path, files))
    assert not found.objects and len(found.unread) == 1 and found.unread[0].fix


MANIFEST = """\
apiVersion: v1
kind: Service
metadata:
  name: Rents_API
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: rents-api
spec:
  template:
    spec:
      containers:
        - name: app
          env:
            - name: DATABASE_URL
              value: x
            - name: logLevel
              value: debug
"""


def test_kubernetes_names_and_env(tmp_path: Path) -> None:
    found = kubernetes.read(
        source(tmp_path, {"k8s/app.yaml": MANIFEST, "docs/mkdocs.yml": "site_name: x\n"})
    )
    assert names(found) == [
        ("kubernetes", "Rents_API", "k8s/app.yaml", 4),
        ("kubernetes", "rents-api", "k8s/app.yaml", 9),
        ("env-var", "DATABASE_URL", "k8s/app.yaml", 16),
        ("env-var", "logLevel", "k8s/app.yaml", 18),
    ]
    assert found.objects[0].platform is Platform.K8S_DNS_LABEL
    assert found.objects[1].platform is Platform.K8S_DNS_SUBDOMAIN


def test_kubernetes_helm_template_expressions_are_computed_parts(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}-api\n"
    [obj] = kubernetes.read(source(tmp_path, {"chart/templates/svc.yaml": text})).objects
    assert obj.name == f"{HOLE}-api" and obj.computed and obj.what == "Service {{…}}-api"


@pytest.mark.parametrize(
    "text", ["apiVersion: v1\nkind: [\n", "apiVersion: v1\nkind: x\nspec: " + "[" * 50_000]
)
def test_kubernetes_bad_yaml_is_unread(tmp_path: Path, text: str) -> None:
    found = kubernetes.read(source(tmp_path, {"k8s.yaml": text}))
    assert not found.objects and found.unread[0].path == "k8s.yaml"


def test_env_vars_in_containerfiles_and_env_files(tmp_path: Path) -> None:
    files = {
        "Containerfile": "FROM x\nARG BASE_IMAGE\nENV APP_PORT=8000 logLevel=info\nENV LEGACY_NAME value\n",
        "deploy/Dockerfile.prod": "ENV Feature_Flag=1\n",
        ".env.example": "# comment\nDATABASE_URL=postgres://x\nexport apiKey=\n",
        "README.md": "ENV NOT_READ=1\n",
    }
    found = envvars.read(source(tmp_path, files))
    assert sorted(names(found)) == sorted(
        [
            ("env-var", "DATABASE_URL", ".env.example", 2),
            ("env-var", "apiKey", ".env.example", 3),
            ("env-var", "BASE_IMAGE", "Containerfile", 2),
            ("env-var", "APP_PORT", "Containerfile", 3),
            ("env-var", "logLevel", "Containerfile", 3),
            ("env-var", "LEGACY_NAME", "Containerfile", 4),
            ("env-var", "Feature_Flag", "deploy/Dockerfile.prod", 1),
        ]
    )


def test_settings_image_environments_and_hosts(tmp_path: Path) -> None:
    toml = '[container]\nrepository = "localhost/Rents"\n\n[environments.prod]\nhost = "rents.example"\n'
    src = source(
        tmp_path, {"lockgate.toml": toml}, environments={"prod": "rents.example", "review": ""}
    )
    object.__setattr__(src, "image_repository", "localhost/Rents")
    assert names(settings.read(src)) == [
        ("image", "localhost/Rents", "lockgate.toml", 2),
        ("environment", "prod", "lockgate.toml", 4),
        ("hostname", "rents.example", "lockgate.toml", 5),
        ("environment", "review", "lockgate.toml", 1),
    ]


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("git@github.com:org/rents-api.git", "rents-api"),
        ("https://github.com/org/Rents_API", "Rents_API"),
        (None, "folder-name"),
    ],
)
def test_repository_name(tmp_path: Path, remote: str | None, expected: str) -> None:
    root = tmp_path / "folder-name"
    root.mkdir()
    git(root, "init", "-q")
    if remote:
        git(root, "remote", "add", "origin", remote)
    [obj] = repository.read(Source(root, (), "rents", "")).objects
    assert (obj.kind, obj.name) == (ObjectKind.REPOSITORY, expected)


def test_repository_in_a_monorepo_is_the_folder(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    git(tmp_path, "remote", "add", "origin", "git@github.com:org/monorepo.git")
    root = tmp_path / "services" / "rents"
    root.mkdir(parents=True)
    assert repository.read(Source(root, (), "rents", "")).objects[0].name == "rents"

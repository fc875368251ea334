"""Portability: what makes a service hard to move, flagged with the portable alternative."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lockgate.cli.main import main
from lockgate.portability import catalog
from lockgate.portability.scan import assess


def project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


PORTABLE = {
    "Containerfile": "FROM scratch\n",
    "app.py": 'import os\nimport psycopg\nURL = os.environ["DATABASE_URL"]\n',
    "infra/main.tf": 'resource "kubernetes_deployment" "app" {\n  metadata {}\n}\n',
}


def test_a_portable_service_scores_100_with_nothing_flagged(tmp_path: Path) -> None:
    result = assess(project(tmp_path, PORTABLE), "shop")
    assert result.score() == 100
    assert result.items == () and result.unchecked == () and result.local_state == ()
    assert result.container_files == ("Containerfile",) and result.env_reads == ("app.py",)


# file contents -> the item names flagged (should-flag and should-not-flag rows)
SDK_CASES = [
    ("app.py", "import boto3\n", ["boto3"]),
    ("app.py", "from botocore.config import Config\n", ["botocore"]),
    ("app.py", "from google.cloud import pubsub_v1\n", ["google.cloud"]),
    ("app.py", "from azure.storage.blob import BlobClient\n", ["azure"]),
    ("web.js", "const { S3Client } = require('@aws-sdk/client-s3')\n", ["@aws-sdk/client-s3"]),
    ("web.ts", "import { Storage } from '@google-cloud/storage'\n", ["@google-cloud/storage"]),
    ("app.py", "import requests\nimport boto3_stubs_like_name_only\n", []),
    ("app.py", "# import boto3 in a comment\nx = 'import boto3'\n", []),
    ("web.js", "import React from 'react'\n", []),
]


@pytest.mark.parametrize(("name", "text", "flagged"), SDK_CASES)
def test_cloud_sdk_imports(tmp_path: Path, name: str, text: str, flagged: list[str]) -> None:
    result = assess(project(tmp_path, {name: text}), "shop")
    assert [i.name for i in result.items if i.kind == "sdk"] == flagged


RESOURCE_CASES = [
    ('resource "aws_dynamodb_table" "t" {}\n', [("aws_dynamodb_table", "aws", "PostgreSQL")]),
    ('resource "google_pubsub_topic" "t" {}\n', [("google_pubsub_topic", "gcp", "NATS")]),
    (
        'resource "azurerm_cosmosdb_account" "a" {}\n',
        [("azurerm_cosmosdb_account", "azure", "PostgreSQL")],
    ),
    ('resource "aws_iam_role" "r" {}\n', [("aws_iam_role", "aws", "portable equivalent")]),
    ('resource "kubernetes_service" "s" {}\nresource "helm_release" "h" {}\n', []),
    ('variable "aws_region" {}\n', []),
]


@pytest.mark.parametrize(("text", "flagged"), RESOURCE_CASES)
def test_cloud_specific_terraform_resources(
    tmp_path: Path, text: str, flagged: list[tuple[str, str, str]]
) -> None:
    result = assess(project(tmp_path, {"infra/main.tf": "# infra\n" + text}), "shop")
    found = [i for i in result.items if i.kind == "resource"]
    assert [(i.name, i.provider) for i in found] == [(n, p) for n, p, _ in flagged]
    assert all(hint in i.alternative for i, (_, _, hint) in zip(found, flagged, strict=True))
    assert all(i.path == "infra/main.tf" and i.line == 2 for i in found)


def test_state_in_the_container_and_no_environment_config_cost_points(tmp_path: Path) -> None:
    result = assess(project(tmp_path, {"app.py": "import sqlite3\nDB = 'data.db'\n"}), "shop")
    assert result.local_state == ("app.py:1",)
    assert result.deductions()["state kept in the container"] == 15
    assert result.deductions()["not containerised"] == 25
    assert result.score() == 100 - 25 - 15 - 15


def test_an_in_memory_sqlite_is_not_state(tmp_path: Path) -> None:
    result = assess(project(tmp_path, {"app.py": "URL = 'sqlite:///:memory:'\n"}), "shop")
    assert result.local_state == ()


def test_a_terraform_file_that_does_not_parse_is_not_checked_never_clean(tmp_path: Path) -> None:
    result = assess(project(tmp_path, {**PORTABLE, "infra/bad.tf": 'resource "x" {{{\n'}), "shop")
    (gap,) = result.unchecked
    assert gap.what == "Terraform file infra/bad.tf" and "terraform validate" in gap.fix


def test_the_catalog_knows_cloud_types_only() -> None:
    assert catalog.resource("aws_lambda_function") is not None
    assert catalog.resource("random_id") is None and catalog.sdk("requests") is None


def test_excepted_items_cost_nothing(tmp_path: Path) -> None:
    files = {**PORTABLE, "app.py": 'import os\nimport boto3\nX = os.environ["A"]\n'}
    result = assess(project(tmp_path, files), "shop")
    assert result.score() == 95 and result.score(frozenset({"boto3"})) == 100


def test_cli_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(
        tmp_path, {**PORTABLE, "app.py": 'import os\nimport boto3\nX = os.environ["A"]\n'}
    )
    assert main(["portability", str(root)]) == 0
    out = capsys.readouterr().out
    assert "portability score 95/100" in out and "aws sdk boto3 at app.py:2" in out
    assert main(["portability", str(root), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["score"] == 95 and data["items"][0]["name"] == "boto3"

"""Cloud-specific Terraform resources and SDKs, each with the common portable alternative.

Matched by prefix, longest first; a resource type of a cloud provider that no entry names is
still reported as cloud-specific, with the provider's generic advice.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    prefix: str
    provider: str
    service: str
    alternative: str


# fmt: off
RESOURCES: tuple[Entry, ...] = (
    Entry("aws_lambda_", "aws", "Lambda", "a container on Kubernetes (or Knative) behind an HTTP route"),
    Entry("aws_dynamodb_", "aws", "DynamoDB", "PostgreSQL (JSONB) or a MongoDB-compatible store"),
    Entry("aws_sqs_", "aws", "SQS", "RabbitMQ, NATS or Kafka"),
    Entry("aws_sns_", "aws", "SNS", "NATS or Kafka topics"),
    Entry("aws_kinesis_", "aws", "Kinesis", "Kafka"),
    Entry("aws_s3_", "aws", "S3", "any S3-compatible object store (MinIO, Ceph) through the S3 API"),
    Entry("aws_db_", "aws", "RDS", "the same engine (PostgreSQL/MySQL) managed elsewhere or on Kubernetes"),
    Entry("aws_rds_", "aws", "Aurora", "PostgreSQL or MySQL without Aurora-only features"),
    Entry("aws_elasticache_", "aws", "ElastiCache", "Redis or Valkey"),
    Entry("aws_ecs_", "aws", "ECS", "Kubernetes Deployments"),
    Entry("aws_cognito_", "aws", "Cognito", "an OIDC provider (Keycloak)"),
    Entry("aws_secretsmanager_", "aws", "Secrets Manager", "Vault or Kubernetes Secrets"),
    Entry("google_cloudfunctions", "gcp", "Cloud Functions", "a container on Kubernetes (or Knative)"),
    Entry("google_cloud_run_", "gcp", "Cloud Run", "Knative on Kubernetes"),
    Entry("google_pubsub_", "gcp", "Pub/Sub", "NATS or Kafka"),
    Entry("google_bigquery_", "gcp", "BigQuery", "PostgreSQL, ClickHouse or Trino over object storage"),
    Entry("google_firestore_", "gcp", "Firestore", "PostgreSQL (JSONB) or a MongoDB-compatible store"),
    Entry("google_storage_", "gcp", "Cloud Storage", "an S3-compatible object store"),
    Entry("google_sql_", "gcp", "Cloud SQL", "the same engine (PostgreSQL/MySQL) managed elsewhere"),
    Entry("azurerm_function_app", "azure", "Functions", "a container on Kubernetes (or Knative)"),
    Entry("azurerm_linux_function_app", "azure", "Functions", "a container on Kubernetes (or Knative)"),
    Entry("azurerm_cosmosdb_", "azure", "Cosmos DB", "PostgreSQL (JSONB) or a MongoDB-compatible store"),
    Entry("azurerm_servicebus_", "azure", "Service Bus", "RabbitMQ, NATS or Kafka"),
    Entry("azurerm_storage_", "azure", "Storage", "an S3-compatible object store"),
)

PROVIDERS = {"aws_": "aws", "google_": "gcp", "azurerm_": "azure", "alicloud_": "alibaba", "oci_": "oracle"}
GENERIC = "a portable equivalent (Kubernetes, PostgreSQL, an S3-compatible store, Kafka/NATS)"

# import prefix -> (provider, alternative); Python modules and npm packages
SDKS: tuple[tuple[str, str, str], ...] = (
    ("boto3", "aws", "the service's portable protocol (S3 API, SQL, AMQP) behind an interface of your own"),
    ("botocore", "aws", "the service's portable protocol behind an interface of your own"),
    ("aws-sdk", "aws", "the service's portable protocol behind an interface of your own"),
    ("@aws-sdk/", "aws", "the service's portable protocol behind an interface of your own"),
    ("google.cloud", "gcp", "the service's portable protocol behind an interface of your own"),
    ("@google-cloud/", "gcp", "the service's portable protocol behind an interface of your own"),
    ("azure.", "azure", "the service's portable protocol behind an interface of your own"),
    ("@azure/", "azure", "the service's portable protocol behind an interface of your own"),
)
# fmt: on


def resource(kind: str) -> Entry | None:
    """The catalog entry of a Terraform resource type; None when it is not cloud-specific."""
    for entry in sorted(RESOURCES, key=lambda e: -len(e.prefix)):
        if kind.startswith(entry.prefix):
            return entry
    for prefix, provider in PROVIDERS.items():
        if kind.startswith(prefix):
            return Entry(prefix, provider, kind.removeprefix(prefix), GENERIC)
    return None


def sdk(module: str) -> tuple[str, str] | None:
    """(provider, alternative) of an imported module or package, if it is a cloud's SDK."""
    for prefix, provider, alternative in SDKS:
        base = prefix.rstrip("./")
        if prefix.endswith(("/", ".")):
            hit = module.startswith(prefix) or module == base
        else:  # a whole name: boto3 or boto3.session, never boto3_stubs
            hit = module == prefix or module.startswith((f"{prefix}.", f"{prefix}/"))
        if hit:
            return provider, alternative
    return None

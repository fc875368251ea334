"""Length and character limits of the platforms names end up on."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Platform(enum.StrEnum):
    NONE = "none"
    S3_BUCKET = "s3-bucket"
    RDS_IDENTIFIER = "rds-identifier"
    AWS_NAME = "aws-name"  # IAM roles, Lambda functions: 64 characters
    AWS_LB_NAME = "aws-lb-name"  # load balancers and target groups: 32
    AWS_LONG_NAME = "aws-long-name"  # ECS clusters and services, security groups: 255
    K8S_DNS_LABEL = "k8s-dns-label"
    K8S_DNS_SUBDOMAIN = "k8s-dns-subdomain"
    IMAGE_REPOSITORY = "image-repository"


@dataclass(frozen=True)
class Limit:
    max_length: int
    pattern: re.Pattern[str]  # the whole name must match
    allowed: str  # the characters, for people
    lower: bool  # upper case is not allowed


_DNS = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
LIMITS: dict[Platform, Limit] = {
    Platform.S3_BUCKET: Limit(
        63,
        re.compile(r"(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?<!-s3alias)"),
        "3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit",
        True,
    ),
    Platform.RDS_IDENTIFIER: Limit(
        63,
        re.compile(r"[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)"),
        "lower-case letters, digits and single hyphens, starting with a letter, not ending in a hyphen",
        True,
    ),
    Platform.AWS_NAME: Limit(
        64, re.compile(r"[\w+=,.@-]{1,64}"), "letters, digits and +=,.@_-", False
    ),
    Platform.AWS_LB_NAME: Limit(
        32,
        re.compile(r"(?!internal-)[a-zA-Z0-9]([a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?"),
        "letters, digits and hyphens, not starting or ending with a hyphen",
        False,
    ),
    Platform.AWS_LONG_NAME: Limit(
        255, re.compile(r"[\w-]{1,255}"), "letters, digits, _ and -", False
    ),
    Platform.K8S_DNS_LABEL: Limit(
        63, re.compile(_DNS), "lower-case letters, digits and hyphens (RFC 1123 label)", True
    ),
    Platform.K8S_DNS_SUBDOMAIN: Limit(
        253,
        re.compile(rf"{_DNS}(\.{_DNS})*"),
        "lower-case letters, digits, hyphens and dots (RFC 1123 subdomain)",
        True,
    ),
    Platform.IMAGE_REPOSITORY: Limit(
        255,
        re.compile(
            r"([a-zA-Z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*"
        ),
        "lower-case path components of letters and digits joined by . _ __ or -",
        True,
    ),
}

# Terraform resource type -> attribute -> platform (the common AWS resources; others: casing only).
TERRAFORM: dict[str, dict[str, Platform]] = {
    "aws_s3_bucket": {"bucket": Platform.S3_BUCKET},
    "aws_db_instance": {"identifier": Platform.RDS_IDENTIFIER},
    "aws_rds_cluster": {"cluster_identifier": Platform.RDS_IDENTIFIER},
    "aws_iam_role": {"name": Platform.AWS_NAME},
    "aws_iam_policy": {"name": Platform.AWS_NAME},
    "aws_lambda_function": {"function_name": Platform.AWS_NAME},
    "aws_lb": {"name": Platform.AWS_LB_NAME},
    "aws_alb": {"name": Platform.AWS_LB_NAME},
    "aws_lb_target_group": {"name": Platform.AWS_LB_NAME},
    "aws_ecs_cluster": {"name": Platform.AWS_LONG_NAME},
    "aws_ecs_service": {"name": Platform.AWS_LONG_NAME},
    "aws_security_group": {"name": Platform.AWS_LONG_NAME},
}

# Resource types that take `tags` (checked for required tags even when they set none).
TAGGABLE = frozenset(
    {
        "aws_s3_bucket",
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_instance",
        "aws_lb",
        "aws_alb",
        "aws_lb_target_group",
        "aws_ecs_cluster",
        "aws_ecs_service",
        "aws_ecs_task_definition",
        "aws_iam_role",
        "aws_lambda_function",
        "aws_security_group",
        "aws_cloudwatch_log_group",
        "aws_sqs_queue",
        "aws_sns_topic",
        "aws_dynamodb_table",
        "aws_vpc",
        "aws_subnet",
        "aws_kms_key",
    }
)


def problem(name: str, platform: Platform) -> str | None:
    """Why `name` cannot be used on `platform`, or None."""
    limit = LIMITS.get(platform)
    if limit is None:
        return None
    if len(name) > limit.max_length:
        return f"{len(name)} characters, the limit is {limit.max_length}"
    if limit.pattern.fullmatch(name) is None:
        return f"it must be {limit.allowed}"
    return None

"""Naming rules and suggestions: should-flag / should-not-flag tables, one per rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.config.sections import NamingSettings
from lockgate.naming import casing, limits
from lockgate.naming.casing import Casing
from lockgate.naming.interface import HOLE, NamedObject, ObjectKind
from lockgate.naming.limits import Platform
from lockgate.naming.policy import load
from lockgate.naming.rules import Context, Rule, check
from lockgate.naming.suggest import suggest


def context(**policy: object) -> Context:
    values = {
        **{k: getattr(NamingSettings.defaults(), k) for k in NamingSettings.__dataclass_fields__}
    }
    values.update(policy)
    return Context(load(values, Path(".")), "rents", ("review", "staging", "production"))


def obj(
    kind: ObjectKind, name: str, platform: Platform = Platform.NONE, **kw: object
) -> NamedObject:
    return NamedObject(kind, name, f"{kind.value} {name}", "x", 1, platform, **kw)  # type: ignore[arg-type]


def rules(o: NamedObject, ctx: Context | None = None) -> set[Rule]:
    return {v.rule for v in check(o, ctx or context())}


@pytest.mark.parametrize(
    ("name", "style", "ok"),
    [
        ("rents-api", Casing.KEBAB, True),
        ("rents2-api", Casing.KEBAB, True),
        ("Rents-api", Casing.KEBAB, False),
        ("rents_api", Casing.KEBAB, False),
        ("rents--api", Casing.KEBAB, False),
        ("rents_api", Casing.SNAKE, True),
        ("rentsApi", Casing.SNAKE, False),
        ("rentsApi", Casing.CAMEL, True),
        ("RentsApi", Casing.CAMEL, False),
        ("RentsApi", Casing.PASCAL, True),
        ("Rents.Api", Casing.PASCAL, True),
        ("rents.api", Casing.PASCAL, False),
        ("RENTS_API", Casing.UPPER_SNAKE, True),
        ("Rents_API", Casing.UPPER_SNAKE, False),
    ],
)
def test_casing_styles(name: str, style: Casing, ok: bool) -> None:
    assert casing.matches(name, style) is ok


def test_words_split_every_style() -> None:
    assert casing.words("Rents_Bucket-PROD2") == ["rents", "bucket", "prod", "2"]
    assert casing.words("HTTPServerName") == ["http", "server", "name"]


@pytest.mark.parametrize(
    ("o", "flagged"),
    [
        (obj(ObjectKind.TERRAFORM_LABEL, "Rents_Bucket"), {Rule.CASING}),
        (obj(ObjectKind.TERRAFORM_LABEL, "rents_bucket"), set()),
        (
            obj(ObjectKind.TERRAFORM_NAME, "Rents_Bucket_PROD", Platform.S3_BUCKET),
            {Rule.CASING, Rule.ABBREVIATION, Rule.PLATFORM},
        ),
        (obj(ObjectKind.TERRAFORM_NAME, "rents-production", Platform.S3_BUCKET), set()),
        (obj(ObjectKind.TERRAFORM_NAME, "/ecs/rents-production"), set()),  # log group paths
        (obj(ObjectKind.TERRAFORM_NAME, f"{HOLE}-execution"), set()),  # literal part is kebab
        (obj(ObjectKind.TERRAFORM_NAME, f"{HOLE}_Execution"), {Rule.CASING}),
        (obj(ObjectKind.PACKAGE, "rents-api"), set()),
        (obj(ObjectKind.PACKAGE, "@hmcts/rents-api"), set()),
        (obj(ObjectKind.PACKAGE, "RentsApi"), {Rule.CASING}),
        (obj(ObjectKind.DOTNET_PACKAGE, "Rents.Api"), set()),
        (obj(ObjectKind.DOTNET_PACKAGE, "rents-api"), {Rule.CASING}),
        (obj(ObjectKind.ENV_VAR, "DATABASE_URL"), set()),
        (obj(ObjectKind.ENV_VAR, "databaseUrl"), {Rule.CASING}),
        (obj(ObjectKind.ENV_VAR, "TMP_DIR"), set()),  # banned words do not apply to variables
        (
            obj(
                ObjectKind.IMAGE, "registry.example:5000/rents/rents-api", Platform.IMAGE_REPOSITORY
            ),
            set(),
        ),
        (
            obj(ObjectKind.IMAGE, "localhost/Rents_API", Platform.IMAGE_REPOSITORY),
            {Rule.CASING, Rule.PLATFORM},
        ),
        (obj(ObjectKind.KUBERNETES, "rents-api", Platform.K8S_DNS_LABEL), set()),
        (obj(ObjectKind.KUBERNETES, "rents-" + "a" * 60, Platform.K8S_DNS_LABEL), {Rule.PLATFORM}),
        (obj(ObjectKind.ENVIRONMENT, "staging"), set()),
        (obj(ObjectKind.ENVIRONMENT, "prod"), {Rule.ABBREVIATION}),
        (obj(ObjectKind.PACKAGE, "rents-api-new"), {Rule.BANNED_WORD}),
        (obj(ObjectKind.PACKAGE, "renewal-api"), set()),  # 'new' inside a word is not the word
        (obj(ObjectKind.REPOSITORY, "rents"), set()),
        (obj(ObjectKind.REPOSITORY, "rents-infra"), {Rule.SHARED_NAME}),
        (obj(ObjectKind.HOSTNAME, "rents.service.gov.uk"), set()),
        (obj(ObjectKind.HOSTNAME, "payments.service.gov.uk"), {Rule.SHARED_NAME}),
    ],
)
def test_default_policy(o: NamedObject, flagged: set[Rule]) -> None:
    assert rules(o) == flagged


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("rents-production-api", False),
        ("rents-staging-worker-queue", False),
        ("rents-api", True),  # no environment
        ("payments-production-api", True),  # another service
        (f"rents-{HOLE}-api", False),  # computed: template not checked (reported as unchecked)
    ],
)
def test_templates(name: str, flagged: bool) -> None:
    ctx = context(templates={"terraform-name": "{service}-{environment}-{component}"})
    assert (Rule.TEMPLATE in rules(obj(ObjectKind.TERRAFORM_NAME, name), ctx)) is flagged


@pytest.mark.parametrize(
    ("tags", "unknown", "taggable", "flagged"),
    [
        ({"Environment": "production", "Service": "rents", "Owner": "team"}, False, True, False),
        ({"environment": "production", "service": "rents", "owner": "team"}, False, True, False),
        ({"Environment": "production"}, False, True, True),
        (None, False, True, True),  # a taggable resource with no tags
        (None, True, True, False),  # tags = local.tags: unknown, not flagged
        (None, False, False, False),  # a resource that takes no tags
    ],
)
def test_required_tags(
    tags: dict[str, str] | None, unknown: bool, taggable: bool, flagged: bool
) -> None:
    ctx = context(required_tags=["Environment", "Service", "Owner"])
    o = obj(ObjectKind.TERRAFORM_LABEL, "rents", tags=tags, tags_unknown=unknown, taggable=taggable)
    assert (Rule.REQUIRED_TAGS in rules(o, ctx)) is flagged


def test_required_tags_off_by_default() -> None:
    assert rules(obj(ObjectKind.TERRAFORM_LABEL, "rents", taggable=True)) == set()


@pytest.mark.parametrize(
    ("name", "platform", "ok"),
    [
        ("rents-production", Platform.S3_BUCKET, True),
        ("rents.production", Platform.S3_BUCKET, True),
        ("ab", Platform.S3_BUCKET, False),
        ("rents..production", Platform.S3_BUCKET, False),
        ("-rents", Platform.S3_BUCKET, False),
        ("a" * 64, Platform.S3_BUCKET, False),
        ("rents-db", Platform.RDS_IDENTIFIER, True),
        ("1rents", Platform.RDS_IDENTIFIER, False),
        ("rents--db", Platform.RDS_IDENTIFIER, False),
        ("rents-production-api-target-grp", Platform.AWS_LB_NAME, True),
        ("rents-production-api-target-group", Platform.AWS_LB_NAME, False),
        ("rents-api.v1", Platform.K8S_DNS_SUBDOMAIN, True),
        ("rents-api.v1", Platform.K8S_DNS_LABEL, False),
        ("ghcr.io/org/rents-api", Platform.IMAGE_REPOSITORY, True),
        ("ghcr.io/org/Rents", Platform.IMAGE_REPOSITORY, False),
        ("Rents", Platform.NONE, True),
    ],
)
def test_platform_limits(name: str, platform: Platform, ok: bool) -> None:
    assert (limits.problem(name, platform) is None) is ok


@pytest.mark.parametrize(
    ("o", "expected"),
    [
        (
            obj(ObjectKind.TERRAFORM_NAME, "Rents_Bucket_PROD", Platform.S3_BUCKET),
            "rents-bucket-production",
        ),
        (obj(ObjectKind.TERRAFORM_LABEL, "Rents_Bucket"), "rents_bucket"),
        (obj(ObjectKind.ENV_VAR, "databaseUrl"), "DATABASE_URL"),
        (obj(ObjectKind.PACKAGE, "new-rents-api"), "rents-api"),
        (obj(ObjectKind.REPOSITORY, "rents-infra"), "rents"),
        (obj(ObjectKind.KUBERNETES, "Rents_API", Platform.K8S_DNS_LABEL), "rents-api"),
        (obj(ObjectKind.TERRAFORM_NAME, f"{HOLE}_Execution"), f"{HOLE}-execution"),
        (obj(ObjectKind.TERRAFORM_NAME, "x" + "-y" * 40, Platform.AWS_LB_NAME), "x" + "-y" * 15),
        (obj(ObjectKind.PACKAGE, "new-old"), None),  # nothing left once the banned words go
    ],
)
def test_suggestions_satisfy_every_rule(o: NamedObject, expected: str | None) -> None:
    ctx = context()
    better = suggest(o, ctx)
    assert better == expected
    if better is not None:
        assert rules(NamedObject(o.kind, better, o.what, o.path, o.line, o.platform), ctx) == set()


def test_suggestion_follows_the_template() -> None:
    ctx = context(templates={"kubernetes": "{service}-{component}"})
    assert suggest(obj(ObjectKind.KUBERNETES, "Api_Worker"), ctx) == "rents-api-worker"

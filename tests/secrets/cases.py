"""Should-flag / should-not-flag table for the secret rules (real formats, fake values built at run time).

Shared by tests/secrets/test_rules.py and bench/bench_secrets.py.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from tests.testing.canaries import pem


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    rule: str | None  # the lockgate rule that must flag it; None: nothing may flag it
    suffix: str = ".txt"  # file name ending, for the engine benchmark


def _u(n: int) -> str:
    """A fixed fake uuid (lower-case hex, varied digits)."""
    return f"{n:08x}-5d1c-4a6b-9f3e-{(n * 7919) % 16**12:012x}".replace("0000", "7a3c")


_AK = "AK" + "IA"
_AKID = _AK + "Q7RLWP2MZ4TN6VHS"
_AWS_SECRET = "h8Pq2ZrT/k5LwX9vNc3BmF7jYd4Gs1Kt6Qe0RuAo"
_GH_BODY = "R7kXp2LmQ9vTz4NwB8cYd3FjH6sGa1Ue5Ki0Oq2P"[:36]
_PAT = (
    "github"
    + "_pat_"
    + "11ABCDEFG0"
    + "hJkLmNpQrStU"
    + "_"
    + ("Xy7Zq3Wv9Rt5Lp2Mn8Kj4Hg6Fd1Sa0" * 2)[:59]
)
_SLACK = "https://hooks.slack" + ".com/services/"
_HDR = (
    base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    .decode()
    .rstrip("=")
)
_PAY = (
    base64.urlsafe_b64encode(json.dumps({"sub": "1234567890", "name": "Ada"}).encode())
    .decode()
    .rstrip("=")
)
_JWT = f"{_HDR}.{_PAY}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
_PW = "s7Rq-Vn2Lk9Zt4Wp"

FLAG: list[Case] = [
    Case("notify-py", f'NOTIFY_KEY = "my_service-{_u(1)}-{_u(2)}"', "notify-api-key", ".py"),
    Case("notify-env", f"NOTIFY_API_KEY=live-key-{_u(3)}-{_u(4)}", "notify-api-key", ".env"),
    Case("notify-yaml", f"notify:\n  api_key: test_key-{_u(5)}-{_u(6)}", "notify-api-key", ".yml"),
    Case("notify-json", json.dumps({"key": f"teamkey-{_u(7)}-{_u(8)}"}), "notify-api-key", ".json"),
    Case("notify-upper", f"k = 'Notify-{_u(9).upper()}-{_u(10).upper()}'", "notify-api-key", ".py"),
    Case("aws-id-env", f"AWS_ACCESS_KEY_ID={_AKID}", "aws-access-key-id", ".env"),
    Case("aws-id-asia", "key = 'AS" + "IA" + "Z5TQ3MR7WK2LPN4B'", "aws-access-key-id", ".py"),
    Case(
        "aws-id-json",
        json.dumps({"AccessKeyId": _AK + "W4RT6YU2PL3KJ7HG"}),
        "aws-access-key-id",
        ".json",
    ),
    Case(
        "aws-id-ini",
        f"[default]\naws_access_key_id = {_AK}M2NB3VC4XZ5LK6JH",
        "aws-access-key-id",
        ".ini",
    ),
    Case("aws-secret-env", f"AWS_SECRET_ACCESS_KEY={_AWS_SECRET}", "aws-secret-access-key", ".env"),
    Case(
        "aws-secret-ini", f"aws_secret_access_key = {_AWS_SECRET}", "aws-secret-access-key", ".ini"
    ),
    Case(
        "aws-secret-json",
        json.dumps({"aws_secret_key": _AWS_SECRET}),
        "aws-secret-access-key",
        ".json",
    ),
    Case(
        "aws-secret-yaml", f"awsSecretAccessKey: '{_AWS_SECRET}'", "aws-secret-access-key", ".yml"
    ),
    Case(  # `aws sts assume-role` / credential_process output
        "aws-secret-sts-json",
        json.dumps({"Credentials": {"SecretAccessKey": _AWS_SECRET, "SessionToken": "x"}}),
        "aws-secret-access-key",
        ".json",
    ),
    Case(
        "aws-secret-terraform",
        f'secret_access_key = "{_AWS_SECRET}"',
        "aws-secret-access-key",
        ".tf",
    ),
    Case(
        "aws-secret-ruby",
        f'aws_secret_access_key => "{_AWS_SECRET}"',
        "aws-secret-access-key",
        ".rb",
    ),
    Case("github-ghp", 'token = "gh' + f'p_{_GH_BODY}"', "github-token", ".py"),
    Case("github-gho", "GITHUB_TOKEN=gh" + f"o_{_GH_BODY}", "github-token", ".env"),
    Case("github-ghu", "auth: gh" + f"u_{_GH_BODY}", "github-token", ".yml"),
    Case("github-ghs", "export GH_TOKEN=gh" + f"s_{_GH_BODY}", "github-token", ".sh"),
    Case("github-ghr", "refresh = 'gh" + f"r_{_GH_BODY}'", "github-token", ".py"),
    Case("github-pat", f"token: {_PAT}", "github-token", ".yml"),
    Case(
        "slack-url",
        f'WEBHOOK = "{_SLACK}T0A1B2C3D/B9Z8Y7X6W/Qw3Er5Ty7Ui9Op1As3Df5Gh7"',
        "slack-webhook",
        ".py",
    ),
    Case(
        "slack-json",
        json.dumps({"url": f"{_SLACK}TJ4K5L6M7/BN8P9Q2R3/Zx2Cv4Bn6Mm8Ll0Kk2Jj4Hh6"}),
        "slack-webhook",
        ".json",
    ),
    Case(
        "slack-env",
        f"SLACK_WEBHOOK_URL={_SLACK}T12345ABC/B67890DEF/aB3dE5gH7jK9mN1pQ3sT5vW7",
        "slack-webhook",
        ".env",
    ),
    Case(
        "pem-rsa",
        pem("MIIEowIBAAKCAQEA7b3kQ9Lp2Vn8Rt5Wq1Zs4Xc7Yu0Ib3Od6Fg9Hj2Kl5Mn8Pq1Rs4Tu7Vw0Yz3", 1),
        "private-key",
        ".pem",
    ),
    Case(
        "pem-ec",
        pem("MHcCAQEEIBq7Xp2Lm9Vt4Nw8Cz3Dk6Fh1Gj5Hs0Ka2Qe7Ru4Wy9Ti3Op6As1Df8Gh", 2).replace(
            "RSA", "EC"
        ),
        "private-key",
        ".pem",
    ),
    Case(
        "pem-openssh",
        pem("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", 3).replace(
            "RSA", "OPENSSH"
        ),
        "private-key",
        "",
    ),
    Case(
        "pem-pkcs8",
        pem("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vq2Lp9Xt4Nw8Cz3", 4).replace(
            "RSA ", ""
        ),
        "private-key",
        ".key",
    ),
    Case(
        "pem-json-escaped",
        json.dumps(
            {
                "private_key": pem(
                    "MIIEpAIBAAKCAQEAz8Wq2Lp9Xt4Nw8Cz3Dk6Fh1Gj5Hs0Ka2Qe7Ru4Wy9Ti3Op6As1Df", 5
                )
            }
        ),
        "private-key",
        ".json",
    ),
    Case(
        "db-postgres",
        f'DATABASE_URL = "postgres://app:{_PW}@db.prod.internal:5432/app"',
        "database-url-password",
        ".py",
    ),
    Case(
        "db-psycopg",
        f"url = postgresql+psycopg://svc:{_PW}@10.0.3.7/tenancy",
        "database-url-password",
        ".ini",
    ),
    Case(
        "db-mysql",
        f"MYSQL_URL=mysql://root:{_PW}@mysql.internal:3306/shop",
        "database-url-password",
        ".env",
    ),
    Case(
        "db-mongo",
        f"uri: mongodb+srv://reader:{_PW}@cluster0.mongo.net/db",
        "database-url-password",
        ".yml",
    ),
    Case(
        "db-redis",
        f"REDIS_URL=rediss://default:{_PW}@cache.internal:6380/0",
        "database-url-password",
        ".env",
    ),
    Case("jwt-header", f"Authorization: Bearer {_JWT}", "jwt", ".http"),
    Case("jwt-py", f'TOKEN = "{_JWT}"', "jwt", ".py"),
    Case("jwt-json", json.dumps({"id_token": _JWT}), "jwt", ".json"),
]

CLEAN: list[Case] = [
    Case("uuid-alone", f"service_id = '{_u(11)}'", None, ".py"),
    Case("two-uuids-space", f"ids: {_u(12)} {_u(13)}", None, ".yml"),
    Case("uuid-pair-no-name", f"pair = '{_u(14)}-{_u(15)}'", None, ".py"),
    Case(
        "notify-placeholder",
        "NOTIFY_KEY=my_key-00000000-0000-0000-0000-000000000000-00000000-0000-0000-0000-000000000000",
        None,
        ".env",
    ),
    Case("notify-env-ref", "NOTIFY_API_KEY = os.environ['NOTIFY_API_KEY']", None, ".py"),
    Case("aws-example-id", "aws_access_key_id = " + _AK + "IOSFODNN7" + "EXAMPLE", None, ".ini"),
    Case("aws-id-short", "id = '" + _AK + "Q7RLWP2'", None, ".py"),
    Case("aws-id-lower", "id = '" + _AK.lower() + "q7rlwp2mz4tn6vhs'", None, ".py"),
    Case(
        "aws-example-secret",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
        None,
        ".ini",
    ),
    Case("aws-secret-env-ref", "AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}", None, ".env"),
    Case("aws-secret-39", f"aws_secret_access_key = {_AWS_SECRET[:39]}", None, ".ini"),
    Case("aws-secret-no-keyword", f"checksum = '{_AWS_SECRET}'", None, ".py"),
    Case("github-short", "token = 'gh" + "p_abc123'", None, ".py"),
    Case("github-xs", "token = 'gh" + "p_" + "x" * 36 + "'", None, ".py"),
    Case(
        "github-prose",
        "Fine-grained tokens start with github_pat_ and classic ones with ghp_.",
        None,
        ".md",
    ),
    Case("github-env-ref", "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}", None, ".yml"),
    Case("slack-placeholder", f"{_SLACK}T00000000/B00000000/" + "X" * 24, None, ".md"),
    Case("slack-no-token", f"see {_SLACK} for the webhook docs", None, ".md"),
    Case("slack-api-url", "https://slack.com/api/chat.postMessage", None, ".py"),
    Case(
        "pem-header-only",
        'if text.startswith("-----BEGIN RSA ' + 'PRIVATE KEY-----"):',
        None,
        ".py",
    ),
    Case(
        "pem-public",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----",
        None,
        ".pem",
    ),
    Case(
        "pem-certificate",
        "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----",
        None,
        ".crt",
    ),
    Case(
        "db-env-password",
        "DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal/app",
        None,
        ".env",
    ),
    Case("db-no-password", "DATABASE_URL=postgres://app@db.internal/app", None, ".env"),
    Case("db-local-dev", "url = 'postgresql://postgres:postgres@localhost:5432/dev'", None, ".py"),
    Case("db-localhost", f"TEST_DB=postgres://test:{_PW}@localhost/test", None, ".env"),
    Case("db-word-password", "postgres://user:password@host/db", None, ".md"),
    Case("db-angle", "postgres://app:<password>@db.internal/app", None, ".md"),
    Case("db-format", 'url = f"postgres://{user}:{password}@{host}/{name}"', None, ".py"),
    Case("db-https-userinfo", "https://user:token@example.org/path", None, ".md"),
    Case("db-no-userinfo", "sqlite:///tmp/app.db and postgres://db.internal/app", None, ".py"),
    Case("jwt-unsigned", f"token = '{_HDR}.{_PAY}.'", None, ".py"),
    Case("jwt-prefix-only", "JWTs start with eyJ (base64 of '{\"').", None, ".md"),
    Case(
        "sha256-hex",
        "digest = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'",
        None,
        ".py",
    ),
    Case("git-sha", "commit 9f2c1e7b5a3d8f0e4c6b2a1d9e8f7c6b5a4d3e2f", None, ".txt"),
    Case(
        "prose",
        "Set the NOTIFY_API_KEY and AWS_SECRET_ACCESS_KEY environment variables.",
        None,
        ".md",
    ),
    Case(
        "lockfile-hash",
        "--hash=sha256:cedf397a272e243a3607bfa31e35325431528575c53d55934ba422ec34a6b90a",
        None,
        ".txt",
    ),
]

ALL_CASES = FLAG + CLEAN

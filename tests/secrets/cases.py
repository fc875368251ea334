"""Should-flag / should-not-flag tables for the secret rules (real formats, fake values built at run time).

FLAG: the rule must report it as a secret (failing the gate). CLEAN: nothing may report it.
EXAMPLE: reported only as a known sample (`example-credential`, info). ALLOWLISTED / NOT_ALLOWLISTED:
the known non-secret formats every engine's values go through. Shared by tests/secrets/test_rules.py,
tests/secrets/test_formats.py and bench/bench_secrets.py.
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
    path: str = ""  # the file's path, where it matters (docs and tests hold samples)

    def file_name(self, n: int) -> str:
        return self.path or f"{n:03d}-{self.id}{self.suffix}"


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
_JWT = f"{_HDR}.{_PAY}.Tq8Zr3Lm5Vx9Wk2Np7Bd4Hs6Fj1Gc0Ye_RuQaPtXo3"
_JWT_IO = f"{_HDR}.{_PAY}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"  # jwt.io's sample signature
_B64_64 = base64.b64encode(bytes(range(7, 71))).decode()  # 88 characters, like an Azure key
# Azurite's published development key, split so this file holds no key-shaped literal
_AZURITE = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq" + "/K1SZFPTOtr/KBHBeksoGMGw=="
)
_SRI = "sha512-" + base64.b64encode(bytes(range(100, 164))).decode()
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
    Case(
        "url-https",
        f'API = "https://deploy:{_PW}@api.internal.corp/v1"',
        "url-password",
        ".py",
    ),
    Case(
        "url-registry-env",
        f"PIP_INDEX_URL=https://ci:{_PW}@pypi.corp.net/simple",
        "url-password",
        ".env",
    ),
    Case(
        "url-git-remote",
        f"url = https://bot:{_PW}@git.corp.net/team/app.git",
        "url-password",
        ".ini",
    ),
    Case("url-smtp", f"EMAIL_URL: smtp://mailer:{_PW}@smtp.corp.net:587", "url-password", ".yml"),
    Case(
        "url-in-docs-real-host",  # a real-looking host and password in docs is still a leak
        f"Connect with https://svc:{_PW}@api.corp.net/v1",
        "url-password",
        path="docs/setup.md",
    ),
    Case(
        "db-in-tests-real-host",
        f'DSN = "postgresql://svc:{_PW}@db.corp.net/app"',
        "database-url-password",
        path="tests/test_db.py",
    ),
    Case(
        "azure-connection-string",
        "conn = 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey="
        + _B64_64
        + ";EndpointSuffix=core.windows.net'",
        "azure-storage-key",
        ".py",
    ),
    Case(
        "azure-service-bus",
        "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey="
        + _B64_64[:44],
        "azure-storage-key",
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
    Case("aws-id-short", "id = '" + _AK + "Q7RLWP2'", None, ".py"),
    Case("aws-id-lower", "id = '" + _AK.lower() + "q7rlwp2mz4tn6vhs'", None, ".py"),
    Case("aws-secret-env-ref", "AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}", None, ".env"),
    Case("aws-secret-39", f"aws_secret_access_key = {_AWS_SECRET[:39]}", None, ".ini"),
    Case("aws-secret-no-keyword", f"checksum = '{_AWS_SECRET}'", None, ".py"),
    Case("github-short", "token = 'gh" + "p_abc123'", None, ".py"),
    Case(
        "github-prose",
        "Fine-grained tokens start with github_pat_ and classic ones with ghp_.",
        None,
        ".md",
    ),
    Case("github-env-ref", "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}", None, ".yml"),
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
    Case("db-no-password", "DATABASE_URL=postgres://app@db.internal/app", None, ".env"),
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
    Case("db-no-scheme-password", "password = os.environ['DB_PASSWORD']", None, ".py"),
    Case("url-no-password", "https://user@git.corp.net/team/app.git", None, ".ini"),
    Case("url-port-only", "http://localhost:8000/path?x=1@2", None, ".md"),
    Case("azure-key-reference", "AccountKey=${STORAGE_KEY}", None, ".env"),
    Case("azure-key-short", "AccountKey=abc123", None, ".env"),
    Case("sri-in-html", f'<script src="x.js" integrity="{_SRI}"></script>', None, ".html"),
    Case("url-template", "https://{user}:{password}@api.corp.net/v1", None, ".py"),
    Case("url-env-var", "https://ci:${CI_TOKEN}@git.corp.net/app.git", None, ".yml"),
]

EXAMPLE: list[Case] = [
    Case(
        "aws-example-id",
        "aws_access_key_id = " + _AK + "IOSFODNN7" + "EXAMPLE",
        "aws-access-key-id",
        ".ini",
    ),
    Case(
        "aws-example-secret",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
        "aws-secret-access-key",
        ".ini",
    ),
    Case("github-xs", "token = 'gh" + "p_" + "x" * 36 + "'", "github-token", ".py"),
    Case("slack-placeholder", f"{_SLACK}T00000000/B00000000/" + "X" * 24, "slack-webhook", ".md"),
    Case(
        "db-env-password",
        "DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal/app",
        "database-url-password",
        ".env",
    ),
    Case(
        "db-local-dev",
        "url = 'postgresql://postgres:postgres@localhost:5432/dev'",
        "database-url-password",
        ".py",
    ),
    Case(
        "db-localhost",
        f"TEST_DB=postgres://test:{_PW}@localhost/test",
        "database-url-password",
        ".env",
    ),
    Case("db-word-password", "postgres://user:password@host/db", "database-url-password", ".md"),
    Case("db-angle", "postgres://app:<password>@db.internal/app", "database-url-password", ".md"),
    Case(
        "db-format",
        'url = f"postgres://{user}:{password}@{host}/{name}"',
        "database-url-password",
        ".py",
    ),
    Case("db-https-userinfo", "https://user:token@example.org/path", "url-password", ".md"),
    Case(
        "db-scott-tiger",
        "engine = create_engine('postgresql://scott:tiger@localhost/test')",
        "database-url-password",
        ".py",
    ),
    Case(
        "db-scott-tiger-decorated",
        '"mssql+pyodbc://scott:tiger^5HHH@mssql2017:1433/test"',
        "database-url-password",
        ".py",
    ),
    Case(
        "db-user-pass-example-com",
        "mysql://user:pass@example.com/db",
        "database-url-password",
        ".md",
    ),
    Case(
        "db-placeholder-host",
        "postgresql+pg8000://dbuser:kx%40jj5%2Fg@pghost10/appdb",
        "database-url-password",
        ".rst",
    ),
    Case(
        "db-changeme",
        "DATABASE_URL=postgres://app:changeme@db.corp.net/app",
        "database-url-password",
        ".env",
    ),
    Case(
        "db-docs-private-ip",
        f"mysql://svc:{_PW}@192.168.0.134/test",
        "database-url-password",
        path="doc/build/dialects/mysql.rst",
    ),
    Case(
        "db-tests-single-label",
        f"postgresql://svc:{_PW}@pg14/test",
        "database-url-password",
        path="test/engine/test_parseconnect.py",
    ),
    Case(
        "url-docs-placeholder-user",
        "https://user:he%2F%2Fo@pypi.company.com/simple",
        "url-password",
        path="docs/html/topics/authentication.md",
    ),
    Case("url-example-org", f"https://bot:{_PW}@api.example.org/v1", "url-password", ".py"),
    Case("url-xxxx", "https://admin:xxxxxxxx@api.corp.net/v1", "url-password", ".yml"),
    Case("jwt-io-sample", f"Authorization: Bearer {_JWT_IO}", "jwt", ".md"),
    Case("azurite-key", "AccountKey=" + _AZURITE, "azure-storage-key", ".json"),
    Case(
        "github-in-tests-fake",
        "token = 'gh" + "p_FakeTokenForTheUnitTests0123456789abcdefgh'",
        "github-token",
        path="tests/test_api.py",
    ),
]

ALL_CASES = FLAG + CLEAN + EXAMPLE


@dataclass(frozen=True)
class FormatCase:
    """A value another engine reported on `line` of `path`: a known non-secret format or not."""

    id: str
    value: str
    line: str
    path: str
    expected: str | None  # the format name; None: it may be a secret (never allow-listed)
    generic: bool = False  # reported by a generic (keyword or entropy) rule


_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
_B64_SRI = _SRI.removeprefix("sha512-")

ALLOWLISTED: list[FormatCase] = [
    FormatCase(
        "pnpm-integrity",
        _SRI,
        f"      resolution: {{integrity: {_SRI}}}",
        "pnpm-lock.yaml",
        "integrity hash",
    ),
    FormatCase(
        "pnpm-integrity-b64-part",
        _B64_SRI,
        f"    integrity: {_SRI}",
        "pnpm-lock.yaml",
        "integrity hash",
    ),
    FormatCase(
        "npm-lock-integrity",
        _SRI,
        f'      "integrity": "{_SRI}",',
        "package-lock.json",
        "integrity hash",
    ),
    FormatCase("yarn-integrity", _SRI, f"  integrity {_SRI}", "yarn.lock", "integrity hash"),
    FormatCase(
        "html-sri",
        _SRI,
        f'<link href="a.css" integrity="{_SRI}">',
        "docs/index.html",
        "integrity hash",
    ),
    FormatCase("pip-hash", _SHA256, f"    --hash=sha256:{_SHA256}", "requirements.txt", "checksum"),
    FormatCase(
        "poetry-hash",
        _SHA256,
        f'    {{file = "x.whl", hash = "sha256:{_SHA256}"}},',
        "poetry.lock",
        "checksum",
    ),
    FormatCase(
        "docker-digest", _SHA256, f"FROM python@sha256:{_SHA256}", "Containerfile", "checksum"
    ),
    FormatCase(
        "go-sum",
        "h1:" + _B64_64[:43] + "=",
        "example.com/m v1.0.0 h1:" + _B64_64[:43] + "=",
        "go.sum",
        "checksum",
    ),
    FormatCase(
        "yarn-resolved-sha1",
        "9f2c1e7b5a3d8f0e4c6b2a1d9e8f7c6b5a4d3e2f",
        '  resolved "https://r.example/x/-/x-1.0.0.tgz#9f2c1e7b5a3d8f0e4c6b2a1d9e8f7c6b5a4d3e2f"',
        "yarn.lock",
        "checksum",
    ),
    FormatCase(
        "hex-digest-named", _SHA256, f'EXPECTED_SHA256 = "{_SHA256}"', "build.py", "checksum"
    ),
    FormatCase(
        "git-commit",
        "9f2c1e7b5a3d8f0e4c6b2a1d9e8f7c6b5a4d3e2f",
        "rev: 9f2c1e7b5a3d8f0e4c6b2a1d9e8f7c6b5a4d3e2f  # pinned commit",
        ".pre-commit-config.yaml",
        "checksum",
    ),
    FormatCase("cargo-checksum", _SHA256, f'checksum = "{_SHA256}"', "Cargo.lock", "checksum"),
    FormatCase(
        "data-uri",
        _B64_64,
        f'background: url("data:image/png;base64,{_B64_64}")',
        "site.css",
        "data URI",
    ),
    FormatCase(
        "ssh-public-key",
        "AAAAC3NzaC1lZDI1NTE5AAAAI" + _B64_64[:43],
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + _B64_64[:43] + " ci@host",
        "authorized_keys",
        "public key",
    ),
    FormatCase(
        "code-attribute",
        "attributes.PASSIVE_NO_INITIALIZE",
        "    obj, key, passive=attributes.PASSIVE_NO_INITIALIZE",
        "lib/orm.py",
        "code expression",
        generic=True,
    ),
    FormatCase(
        "code-variable",
        "ignore_unpopulated_attribute",
        "keyfunc, ignore_unpopulated_attribute=ignore_unpopulated_attribute",
        "lib/m.py",
        "code expression",
        generic=True,
    ),
    FormatCase(
        "literal-true",
        "True",
        "cls, ctx.api, is_mixin_scan=True",
        "lib/plugin.py",
        "literal",
        generic=True,
    ),
    FormatCase(
        "uuid-generic",
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "request_id = '0f8fad5b-d9cb-469f-a165-70867728950e'",
        "app.py",
        "uuid",
        generic=True,
    ),
]

NOT_ALLOWLISTED: list[FormatCase] = [
    FormatCase(
        "quoted-in-code",
        "Rq7vLp2XkT9wZm4NqW8s",
        'api_key = "Rq7vLp2XkT9wZm4NqW8s"',
        "app.py",
        None,
        generic=True,
    ),
    FormatCase(
        "env-file-value",
        "Rq7vLp2XkT9wZm4NqW8s",
        "API_KEY=Rq7vLp2XkT9wZm4NqW8s",
        ".env",
        None,
        generic=True,
    ),
    FormatCase(
        "yaml-value",
        "Rq7vLp2XkT9wZm4NqW8s",
        "api_key: Rq7vLp2XkT9wZm4NqW8s",
        "config.yml",
        None,
        generic=True,
    ),
    FormatCase(
        "code-in-comment",
        "Rq7vLp2XkT9wZm4NqW8s",
        "# old key: api_key=Rq7vLp2XkT9wZm4NqW8s",
        "app.py",
        None,
        generic=True,
    ),
    FormatCase("hex-key-unnamed", _SHA256[:32], f"STRIPE_KEY = '{_SHA256[:32]}'", "app.py", None),
    FormatCase(
        "uuid-specific-rule",
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "HEROKU_API_KEY=0f8fad5b-d9cb-469f-a165-70867728950e",
        ".env",
        None,
    ),
    FormatCase(
        "lock-file-url-password",
        "Rq7vLp2XkT9wZm4N",
        '  resolved "https://ci:Rq7vLp2XkT9wZm4N@npm.corp.net/x.tgz#9f2c1e7b5a3d8f0e4c6b2a1d9e8f7c6b5a4d3e2f"',
        "yarn.lock",
        None,
    ),
    FormatCase(
        "lock-file-token-line",
        "Rq7vLp2XkT9wZm4NqW8s",
        "//npm.corp.net/:_authToken=Rq7vLp2XkT9wZm4NqW8s",
        "package-lock.json",
        None,
    ),
    FormatCase(
        "sri-lookalike-key",
        "sk_live_" + _B64_SRI[:24],
        "STRIPE = 'sk_live_" + _B64_SRI[:24] + "'",
        "pay.py",
        None,
    ),
]

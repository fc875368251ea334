"""Canary secrets: unique fake values of every kind lockgate detects, and a check that none leaked.

Values are assembled at run time from pieces (and random) so no real-looking secret sits in the repo.
"""

from __future__ import annotations

import base64
import json
import random
import uuid
from collections.abc import Iterable
from pathlib import Path

# No vowels: a random value can never spell "example", "your", "dummy"... (placeholder words).
_ALNUM = "BCDFGHJKLMNPQRSTVWXZbcdfghjklmnpqrstvwxz23456789"
_UPPER = "BCDFGHJKLMNPQRSTVWXZ234567"


def _rand(alphabet: str, n: int, rng: random.Random) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def make_canaries(seed: int | None = None) -> dict[str, str]:
    """kind -> a fresh unique fake value of that kind (the part that must never leak)."""
    rng = random.Random(seed)
    b64 = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")  # noqa: E731
    uid = lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4))  # noqa: E731
    return {
        "notify": f"canary_key-{uid()}-{uid()}",
        "aws_key_id": "AK" + "IA" + _rand(_UPPER, 16, rng),
        "aws_secret": _rand(_ALNUM + "/+", 40, rng),
        "github": "gh" + "p_" + _rand(_ALNUM, 36, rng),
        "github_pat": "github" + "_pat_" + _rand(_ALNUM, 22, rng) + "_" + _rand(_ALNUM, 59, rng),
        "slack": "https://hooks.slack"
        + ".com/services/T"
        + _rand(_UPPER, 9, rng)
        + "/B"
        + _rand(_UPPER, 9, rng)
        + "/"
        + _rand(_ALNUM, 24, rng),
        "private_key": _rand(_ALNUM + "+/", 64, rng),  # one body line of the key below
        "db_password": _rand(_ALNUM, 20, rng),
        "jwt": b64({"alg": "HS256", "typ": "JWT"})
        + "."
        + b64({"sub": _rand(_ALNUM, 12, rng)})
        + "."
        + _rand(_ALNUM + "-_", 43, rng),
    }


def pem(first_body_line: str, seed: int = 0) -> str:
    rng = random.Random(seed)
    body = [first_body_line] + [_rand(_ALNUM + "+/", 64, rng) for _ in range(5)]
    kind = "RSA " + "PRIVATE KEY"
    return f"-----BEGIN {kind}-----\n" + "\n".join(body) + f"\n-----END {kind}-----\n"


def canary_files(values: dict[str, str]) -> dict[str, str]:
    """Relative path -> content holding one canary each."""
    v = values
    return {
        "config/notify.py": f'NOTIFY_API_KEY = "{v["notify"]}"\n',
        "config/aws.env": f"AWS_ACCESS_KEY_ID={v['aws_key_id']}\nAWS_SECRET_ACCESS_KEY={v['aws_secret']}\n",
        "config/github.yml": f"token: {v['github']}\nfine_grained: {v['github_pat']}\n",
        "config/slack.json": json.dumps({"webhook": v["slack"]}) + "\n",
        "deploy/id_rsa": pem(v["private_key"]),
        "config/db.py": f'DATABASE_URL = "postgres://app:{v["db_password"]}@db.internal:5432/app"\n',
        "tests/token.txt": f"Authorization: Bearer {v['jwt']}\n",
    }


def plant_canaries(project: Path, seed: int | None = None) -> list[str]:
    """Write files with one canary of each kind under `project`; return the canary values."""
    values = make_canaries(seed)
    for rel, text in canary_files(values).items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(values.values())


def _texts(items: Iterable[str | Path]) -> Iterable[tuple[str, str]]:
    for item in items:
        if isinstance(item, Path):
            paths = [p for p in item.rglob("*") if p.is_file()] if item.is_dir() else [item]
            for p in paths:
                yield str(p), p.read_bytes().decode("utf-8", errors="replace")
        else:
            yield "<text>", item


def assert_no_canaries(texts_or_paths: Iterable[str | Path], canaries: Iterable[str]) -> None:
    """Fail naming the place (never the value) if any canary occurs in the texts or files (dirs: every file)."""
    values = list(canaries)
    leaks = []
    for where, text in _texts(texts_or_paths):
        for i, value in enumerate(values):
            if value in text:
                leaks.append(f"canary #{i} in {where}")
    assert not leaks, "secret value leaked: " + "; ".join(leaks)

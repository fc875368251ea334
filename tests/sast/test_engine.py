"""Shared engine helpers: CWE tags, finding construction, JSON in noisy output, checkov mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.model import Severity
from lockgate.sast import checkov
from lockgate.sast.engine import FindingSpec, cwe_tags, make_finding, parse_json_output


@pytest.mark.parametrize(
    ("raw", "tags"),
    [
        ("CWE-89", ("CWE-89",)),
        ("CWE-89: Improper Neutralization", ("CWE-89",)),
        (["CWE-79", "CWE-80"], ("CWE-79", "CWE-80")),
        ({"id": 78, "link": "https://cwe.mitre.org/data/definitions/78.html"}, ("CWE-78",)),
        (None, ()),
        ("no cwe", ()),
    ],
)
def test_cwe_tags(raw: object, tags: tuple[str, ...]) -> None:
    assert cwe_tags(raw) == tags


def test_fingerprint_survives_line_moves(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\neval(data)\n")
    spec = FindingSpec(
        "semgrep",
        "r",
        "m",
        Severity.HIGH,
        "a.py",
        2,
        cwe=("CWE-95",),
        confidence="high",
        help_text="Do not eval.",
    )
    first = make_finding(tmp_path, spec)
    (tmp_path / "a.py").write_text("x = 1\n\n\n  eval(data)\n")
    spec.line = spec.end_line = 4
    moved = make_finding(tmp_path, spec)
    assert first.fingerprint == moved.fingerprint
    assert first.tags[:2] == ("CWE-95", "confidence:high")
    assert first.help_text == "Do not eval. (confidence: high)"


def test_json_after_log_noise() -> None:
    noisy = '2026-11-26 WARNING failed to download mapping\n{"results": []}\n'
    assert parse_json_output(noisy) == {"results": []}
    with pytest.raises(ValueError):
        parse_json_output("only logs, no document")


@pytest.mark.parametrize(
    ("name", "hit"),
    [
        ("Containerfile", True),
        ("Dockerfile", True),
        ("Dockerfile.prod", True),
        ("api.dockerfile", True),
        ("infra/main.tf", True),
        ("README.md", False),
        ("docker.py", False),
    ],
)
def test_checkov_targets(name: str, hit: bool) -> None:
    assert checkov.applies(name) is hit


def test_checkov_severity_when_the_platform_gives_none() -> None:
    assert checkov._severity("CKV_AWS_24", None) is Severity.HIGH
    assert checkov._severity("CKV_DOCKER_2", None) is Severity.LOW
    assert checkov._severity("CKV_AWS_999", None) is Severity.MEDIUM
    assert checkov._severity("CKV_AWS_999", "CRITICAL") is Severity.CRITICAL


def test_chunks_keep_every_file_once_and_bound_the_command_line() -> None:
    from lockgate.sast.engine import chunks

    files = [f"src/pkg/module_{i:05d}.py" for i in range(20_000)]
    parts = chunks(files, max_chars=100_000)
    assert [f for part in parts for f in part] == files
    assert len(parts) > 1 and all(sum(len(f) + 1 for f in p) <= 100_000 for p in parts)
    assert chunks([]) == [[]] and chunks(["a.py"]) == [["a.py"]]

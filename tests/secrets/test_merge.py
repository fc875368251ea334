"""Resolving other engines' values from their lines, merging engines, redacted findings."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from lockgate.model import FindingState, Severity
from lockgate.secrets import merge
from lockgate.secrets.candidate import Candidate
from lockgate.secrets.rules import scan_text
from lockgate.secrets.sources import LineSource
from lockgate.secrets.valueid import ephemeral
from tests.testing.canaries import make_canaries

IDS = ephemeral()


def setup(tmp_path: Path, text: str, name: str = "a.py") -> LineSource:
    (tmp_path / name).write_text(text)
    return LineSource(tmp_path, 10_000)


def sha1_of(value: str) -> str:
    return "sha1:" + hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest()


def test_sha1_and_column_locators_resolve_to_the_own_rule_id(tmp_path: Path) -> None:
    token = make_canaries(1)["github"]
    line = f'TOKEN = "{token}"'
    lines = setup(tmp_path, line + "\n")
    own = scan_text(line, "a.py", IDS)[0].digest
    start = line.index(token) + 2  # gitleaks' columns are off by one here
    cands = [
        Candidate("detect-secrets", "github-token", "t", "a.py", 1, locator=sha1_of(token)),
        Candidate("gitleaks", "github-pat", "t", "a.py", 1, locator=f"cols:{start}:{start + 39}"),
    ]
    resolved, dropped = merge.resolve(cands, lines, IDS)
    assert dropped == Counter() and [c.digest for c in resolved] == [own, own]
    assert all(c.example is None for c in resolved)


def test_placeholder_values_from_other_engines_are_examples(tmp_path: Path) -> None:
    value = "AKIA" + "IOSFODNN7EXAMPLE"
    lines = setup(tmp_path, f"id = {value}\n")
    cand = Candidate("detect-secrets", "aws-access-key", "t", "a.py", 1, locator=sha1_of(value))
    (kept,), dropped = merge.resolve([cand], lines, IDS)
    assert not dropped and kept.example
    finding = merge.finding("secrets", merge.Group((kept,)), "")
    assert finding.rule_id == "example-credential" and finding.severity is Severity.INFO
    assert "example" in finding.tags and value not in finding.message


def test_unresolvable_value_is_kept_without_an_id(tmp_path: Path) -> None:
    lines = setup(tmp_path, "nothing here\n")
    cand = Candidate("detect-secrets", "x", "t", "a.py", 1, locator="sha1:" + "0" * 40)
    (kept,), _ = merge.resolve([cand], lines, IDS)
    finding = merge.finding("secrets", merge.Group((kept,)), "nothing here")
    assert kept.digest is None and "value unresolved" in finding.message


def test_one_finding_per_place_named_by_the_best_engine() -> None:
    d = IDS.of("v")
    group = merge.Group(
        (
            Candidate(
                "detect-secrets",
                "secret-keyword",
                "Secret Keyword (detect-secrets)",
                "a.py",
                3,
                digest=d,
            ),
            Candidate("lockgate", "jwt", "JSON Web Token", "a.py", 3, digest=d),
        )
    )
    finding = merge.finding("secrets", group, 'x = "..."')
    assert finding.rule_id == "jwt" and finding.tool == "lockgate"
    assert "also found by detect-secrets:secret-keyword" in finding.message
    assert "hmac:" + d[:12] in finding.message
    assert finding.state is FindingState.OPEN


def test_a_real_value_beside_an_example_on_one_line_is_reported_as_real() -> None:
    group = merge.Group(
        (
            Candidate("lockgate", "database-url-password", "t", "a.py", 3, example="sample"),
            Candidate("gitleaks", "generic-api-key", "Generic (gitleaks)", "a.py", 3),
        )
    )
    finding = merge.finding("secrets", group, "", Severity.INFO)
    assert finding.rule_id == "gitleaks.generic-api-key" and finding.severity is Severity.HIGH


def test_example_severity_can_be_turned_up() -> None:
    group = merge.Group((Candidate("lockgate", "jwt", "t", "a.md", 1, example="a placeholder"),))
    assert merge.finding("secrets", group, "", Severity.HIGH).severity is Severity.HIGH
    assert "example_severity" in (merge.finding("secrets", group, "").help_text or "")


def test_history_values_still_in_the_tree_are_left_to_the_tree() -> None:
    d, e = IDS.of("a"), IDS.of("b")
    tree = merge.group_tree([Candidate("lockgate", "jwt", "t", "a.py", 1, digest=d)])
    history = [
        Candidate("lockgate", "jwt", "t", "a.py", 9, digest=d, commit="c1"),
        Candidate("lockgate", "jwt", "t", "a.py", 2, digest=e, commit="c1"),
        Candidate("gitleaks", "jwt", "t", "a.py", 2, digest=e, commit="c2"),
    ]
    groups = merge.group_history(history, tree)
    assert [len(g.candidates) for g in groups] == [2]


def test_local_only_database_url_from_another_engine_is_an_example(tmp_path: Path) -> None:
    line = "url = 'postgresql://postgres:postgres@localhost:5432/dev'"
    lines = setup(tmp_path, line + "\n")
    cand = Candidate(
        "detect-secrets", "basic-auth-credentials", "t", "a.py", 1, locator=sha1_of("postgres")
    )
    (kept,), _ = merge.resolve([cand], lines, IDS)
    assert kept.example


def test_integrity_hashes_are_dropped_for_every_engine(tmp_path: Path) -> None:
    sri = "sha512-" + "Qm9vYmFyQmF6cXV4" * 5 + "Ab=="
    lines = setup(tmp_path, f"      resolution: {{integrity: {sri}}}\n", "pnpm-lock.yaml")
    cands = [
        Candidate(
            "detect-secrets",
            "base64-high-entropy-string",
            "t",
            "pnpm-lock.yaml",
            1,
            locator=sha1_of(sri),
        ),
        Candidate("gitleaks", "generic-api-key", "t", "pnpm-lock.yaml", 1, locator="cols:7:120"),
    ]
    kept, dropped = merge.resolve(cands, lines, IDS)
    assert kept == [] and sum(dropped.values()) == 2


def test_generic_rules_ignore_code_but_not_quoted_values(tmp_path: Path) -> None:
    code = "        obj, prop.key, passive=attributes.PASSIVE_NO_INITIALIZE"
    quoted = 'api_key = "Rq7vLp2XkT9wZm4NqW8s"'
    lines = setup(tmp_path, f"{code}\n{quoted}\n")
    cands = [
        Candidate("gitleaks", "generic-api-key", "t", "a.py", 1, locator="cols:27:76"),
        Candidate("gitleaks", "generic-api-key", "t", "a.py", 2, locator="cols:1:31"),
    ]
    kept, dropped = merge.resolve(cands, lines, IDS)
    assert [c.line for c in kept] == [2] and dropped == Counter({"code expression": 1})
    assert kept[0].example is None

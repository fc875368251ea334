"""Resolving other engines' values from their lines, merging engines, redacted findings."""

from __future__ import annotations

import hashlib
from pathlib import Path

from lockgate.model import FindingState
from lockgate.secrets import merge
from lockgate.secrets.candidate import Candidate
from lockgate.secrets.redact import digest
from lockgate.secrets.rules import scan_text
from lockgate.secrets.sources import LineSource
from tests.testing.canaries import make_canaries


def setup(tmp_path: Path, text: str) -> LineSource:
    (tmp_path / "a.py").write_text(text)
    return LineSource(tmp_path, 10_000)


def test_sha1_and_column_locators_resolve_to_the_own_rule_digest(tmp_path: Path) -> None:
    token = make_canaries(1)["github"]
    line = f'TOKEN = "{token}"'
    lines = setup(tmp_path, line + "\n")
    own = scan_text(line)[0].digest
    sha1 = hashlib.sha1(token.encode()).hexdigest()
    start = line.index(token) + 2  # gitleaks' columns are off by one here
    cands = [
        Candidate("detect-secrets", "github-token", "t", "a.py", 1, locator=f"sha1:{sha1}"),
        Candidate("gitleaks", "github-pat", "t", "a.py", 1, locator=f"cols:{start}:{start + 39}"),
    ]
    resolved, dropped = merge.resolve(cands, lines)
    assert dropped == 0 and [c.digest for c in resolved] == [own, own]


def test_placeholder_values_from_other_engines_are_dropped(tmp_path: Path) -> None:
    value = "AKIA" + "IOSFODNN7EXAMPLE"
    lines = setup(tmp_path, f"id = {value}\n")
    sha1 = hashlib.sha1(value.encode()).hexdigest()
    cand = Candidate("detect-secrets", "aws-access-key", "t", "a.py", 1, locator=f"sha1:{sha1}")
    assert merge.resolve([cand], lines) == ([], 1)


def test_unresolvable_value_is_kept_without_digest(tmp_path: Path) -> None:
    lines = setup(tmp_path, "nothing here\n")
    cand = Candidate("detect-secrets", "x", "t", "a.py", 1, locator="sha1:" + "0" * 40)
    (kept,), _ = merge.resolve([cand], lines)
    finding = merge.finding("secrets", merge.Group((kept,)), "nothing here")
    assert kept.digest is None and "value unresolved" in finding.message


def test_one_finding_per_place_named_by_the_best_engine() -> None:
    d = digest("v")
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
    assert "sha256:" + d[:12] in finding.message
    assert finding.state is FindingState.OPEN


def test_history_values_still_in_the_tree_are_left_to_the_tree() -> None:
    d, e = digest("a"), digest("b")
    tree = merge.group_tree([Candidate("lockgate", "jwt", "t", "a.py", 1, digest=d)])
    history = [
        Candidate("lockgate", "jwt", "t", "a.py", 9, digest=d, commit="c1"),
        Candidate("lockgate", "jwt", "t", "a.py", 2, digest=e, commit="c1"),
        Candidate("gitleaks", "jwt", "t", "a.py", 2, digest=e, commit="c2"),
    ]
    groups = merge.group_history(history, tree)
    assert [len(g.candidates) for g in groups] == [2]


def test_values_lockgate_judged_local_only_are_dropped_for_every_engine(tmp_path: Path) -> None:
    line = "url = 'postgresql://postgres:postgres@localhost:5432/dev'"
    lines = setup(tmp_path, line + "\n")
    sha1 = hashlib.sha1(b"postgres").hexdigest()
    cand = Candidate(
        "detect-secrets", "basic-auth-credentials", "t", "a.py", 1, locator=f"sha1:{sha1}"
    )
    assert merge.resolve([cand], lines) == ([], 1)

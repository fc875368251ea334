"""lockgate's own secret rules against the should-flag / should-not-flag table."""

from __future__ import annotations

import pytest

from lockgate.secrets.redact import REDACTED, scrub
from lockgate.secrets.rules import RULES, scan_text
from tests.secrets.cases import CLEAN, FLAG, Case


def test_table_is_big_enough() -> None:
    assert len(FLAG) + len(CLEAN) >= 60
    assert {c.rule for c in FLAG} == {r.id for r in RULES}  # every rule has should-flag cases


@pytest.mark.parametrize("case", FLAG, ids=lambda c: c.id)
def test_flags(case: Case) -> None:
    rules = {h.rule.id for h in scan_text(case.text)}
    assert case.rule in rules


@pytest.mark.parametrize("case", CLEAN, ids=lambda c: c.id)
def test_does_not_flag(case: Case) -> None:
    assert [h.rule.id for h in scan_text(case.text)] == []


def test_hit_has_position_and_digest_not_value() -> None:
    text = "a = 1\n" + FLAG[0].text
    (hit,) = scan_text(text)
    assert (hit.line, hit.column) == (2, 15)
    assert len(hit.digest) == 64 and "my_service" not in repr(hit)


def test_same_value_same_digest_anywhere() -> None:
    case = next(c for c in FLAG if c.id == "github-ghp")
    moved = "\n\n\n" + case.text.replace("token", "other")
    assert scan_text(case.text)[0].digest == scan_text(moved)[0].digest


@pytest.mark.parametrize("case", FLAG, ids=lambda c: c.id)
def test_scrub_removes_every_value(case: Case) -> None:
    scrubbed = scrub(case.text)
    assert REDACTED in scrubbed
    assert scan_text(scrubbed) == []


def test_huge_line_is_fast() -> None:
    import time

    hostile = (
        "postgres://"
        + "a:" * 50_000
        + "\n"
        + "eyJ" * 50_000
        + "\n"
        + "-----BEGIN PRIVATE KEY-----"
        + " " * 50_000
    )
    start = time.monotonic()
    scan_text(hostile)
    assert time.monotonic() - start < 2.0

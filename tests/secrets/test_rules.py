"""lockgate's own secret rules against the should-flag / should-not-flag / example tables."""

from __future__ import annotations

import pytest

from lockgate.secrets.redact import REDACTED, scrub
from lockgate.secrets.rules import RULES, scan_text
from lockgate.secrets.valueid import ephemeral
from tests.secrets.cases import CLEAN, EXAMPLE, FLAG, Case


def test_table_is_big_enough() -> None:
    assert len(FLAG) + len(CLEAN) + len(EXAMPLE) >= 90
    assert {c.rule for c in FLAG} == {r.id for r in RULES}  # every rule has should-flag cases


@pytest.mark.parametrize("case", FLAG, ids=lambda c: c.id)
def test_flags(case: Case) -> None:
    hits = scan_text(case.text, case.file_name(0))
    assert case.rule in {h.rule.id for h in hits if h.example is None}


@pytest.mark.parametrize("case", CLEAN, ids=lambda c: c.id)
def test_does_not_flag(case: Case) -> None:
    assert [h.rule.id for h in scan_text(case.text, case.file_name(0))] == []


@pytest.mark.parametrize("case", EXAMPLE, ids=lambda c: c.id)
def test_known_samples_are_examples_only(case: Case) -> None:
    hits = scan_text(case.text, case.file_name(0))
    assert case.rule in {h.rule.id for h in hits}
    assert all(h.example for h in hits), [(h.rule.id, h.example) for h in hits]


def test_hit_has_position_and_id_not_value() -> None:
    text = "a = 1\n" + FLAG[0].text
    (hit,) = scan_text(text)
    assert (hit.line, hit.column) == (2, 15)
    assert len(hit.digest) == 64 and "my_service" not in repr(hit)


def test_same_value_same_id_anywhere_under_one_key_and_another_id_under_another() -> None:
    case = next(c for c in FLAG if c.id == "github-ghp")
    moved = "\n\n\n" + case.text.replace("token", "other")
    ids = ephemeral()
    assert scan_text(case.text, ids=ids)[0].digest == scan_text(moved, ids=ids)[0].digest
    assert (
        scan_text(case.text, ids=ids)[0].digest != scan_text(case.text, ids=ephemeral())[0].digest
    )


def test_line_numbers_stay_right_with_many_hits_in_one_text() -> None:
    case = next(c for c in FLAG if c.id == "github-ghp")
    text = "\n".join([case.text, "x", case.text, "", "", case.text])
    assert [h.line for h in scan_text(text)] == [1, 3, 6]


@pytest.mark.parametrize("case", FLAG, ids=lambda c: c.id)
def test_scrub_removes_every_value(case: Case) -> None:
    scrubbed = scrub(case.text)
    assert REDACTED in scrubbed
    assert [h for h in scan_text(scrubbed) if h.example is None] == []


def test_each_line_is_searched_once_per_rule_however_many_anchors_it_holds() -> None:
    """A minified line with 20,000 URLs is one window, not 20,000 (no quadratic rescans)."""
    from lockgate.secrets.rules import RULES_BY_ID, _windows

    line = "https://" * 20_000
    assert _windows(line + "\n" + line, RULES_BY_ID["url-password"], {}) == [
        (0, len(line)),
        (len(line) + 1, 2 * len(line) + 1),
    ]


def test_hostile_lines_find_nothing() -> None:
    hostile = (
        "postgres://"
        + "a:" * 50_000
        + "\n"
        + "eyJ" * 50_000
        + "\n"
        + "-----BEGIN PRIVATE KEY-----"
        + " " * 50_000
        + "\n"
        + "https://" * 20_000
        + "\n"
        + "AccountKey=" * 20_000
    )
    assert scan_text(hostile) == []

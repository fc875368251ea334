"""Shared text helpers: what every report and the terminal may show of a hostile string."""

from __future__ import annotations

import pytest

from lockgate.reports.text import clean, legal, one_line


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x00b\x1b[31mc", "ab[31mc"),  # XML-illegal controls are dropped
        ("bidi\u202egnp.py", "bidi\\u202egnp.py"),  # a bidi override is shown, not obeyed
        ("x\u2066y\u2069z\u200f", "x\\u2066y\\u2069z\\u200f"),
        ("csi\x9b2J", "csi\\u009b2J"),  # a C1 escape a terminal would act on
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("plain ünïcode ✅", "plain ünïcode ✅"),
    ],
)
def test_clean_drops_or_shows_every_deceptive_character(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_one_line_is_safe_for_a_terminal() -> None:
    assert one_line("evil\x1b]0;pwned\x07\r\nline\u202e") == "evil]0;pwned line\\u202e"


def test_legal_keeps_bidi_for_uri_quoting() -> None:
    assert legal("a\x00\u202e") == "a\u202e"

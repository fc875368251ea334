"""The known non-secret formats every engine's values go through (should / should-not allow-list)."""

from __future__ import annotations

import pytest

from lockgate.secrets.formats import known_format
from tests.secrets.cases import ALLOWLISTED, NOT_ALLOWLISTED, FormatCase


@pytest.mark.parametrize("case", ALLOWLISTED, ids=lambda c: c.id)
def test_allowlisted(case: FormatCase) -> None:
    assert known_format(case.value, case.line, case.path, generic=case.generic) == case.expected


@pytest.mark.parametrize("case", NOT_ALLOWLISTED, ids=lambda c: c.id)
def test_not_allowlisted(case: FormatCase) -> None:
    assert known_format(case.value, case.line, case.path, generic=case.generic) is None


def test_code_rules_apply_to_generic_rules_only() -> None:
    code = next(c for c in ALLOWLISTED if c.id == "code-attribute")
    assert known_format(code.value, code.line, code.path, generic=False) is None

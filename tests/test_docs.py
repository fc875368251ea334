"""Docs are code: the README's references are generated and every option is documented."""

from __future__ import annotations

from lockgate.docs import regenerate
from tests.testing.harness import REPO


def test_readme_references_are_current() -> None:
    text = (REPO / "README.md").read_text()
    assert regenerate(text) == text, "README is stale: run scripts/gen-docs"


def test_readme_names_the_two_commands() -> None:
    text = (REPO / "README.md").read_text()
    assert "make demo" in text and "make test" in text

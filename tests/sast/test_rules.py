"""lockgate's own semgrep rules: complete metadata, and a should-flag and should-not-flag case each."""

from __future__ import annotations

import re

import pytest
import yaml

from lockgate.model import Severity
from lockgate.sast import semgrep
from tests.sast.fixture_apps import APP_RULES
from tests.testing.harness import FIXTURES

SAMPLES = FIXTURES / "sast" / "mixed"
RULES = [
    rule
    for path in sorted(semgrep.RULES_DIR.glob("*.yml"))
    for rule in yaml.safe_load(path.read_text())["rules"]
]
_ANNOTATION = re.compile(r"(ruleid|ok): (lockgate\.[\w.-]+)")


def annotations() -> dict[str, set[str]]:
    """rule id → the kinds of annotation ('ruleid', 'ok') present in the sample tree."""
    found: dict[str, set[str]] = {}
    for path in SAMPLES.rglob("*"):
        if path.is_file():
            for kind, rule in _ANNOTATION.findall(path.read_text()):
                found.setdefault(rule, set()).add(kind)
    return found


def test_rules_cover_every_language_asked_for() -> None:
    languages = {lang for rule in RULES for lang in rule["languages"]}
    assert {"python", "javascript", "typescript", "csharp", "ruby", "hcl"} <= languages
    assert len(RULES) >= 40


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r["id"])
def test_rule_metadata_is_complete(rule: dict) -> None:
    meta = rule["metadata"]
    assert re.fullmatch(r"CWE-\d+", meta["cwe"])
    assert Severity(meta["severity"])
    assert meta["confidence"] in {"high", "medium", "low"}
    assert len(meta["help"]) > 20 and meta["help_uri"].startswith("https://")
    assert rule["message"] and rule["severity"] in {"ERROR", "WARNING", "INFO"}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r["id"])
def test_rule_has_positive_and_negative_sample(rule: dict) -> None:
    """Annotated samples in ../fixtures/sast/mixed, or (taint, template and JWT rules) the
    vulnerable and fixed apps of ../fixtures/sast/apps (tests/sast/test_apps.py runs them)."""
    if rule["id"] in APP_RULES:
        return
    assert annotations().get(rule["id"]) == {"ruleid", "ok"}


def test_rule_ids_are_unique_and_namespaced() -> None:
    ids = [rule["id"] for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("lockgate.") for i in ids)
    assert set(semgrep.rule_ids()) == set(ids)

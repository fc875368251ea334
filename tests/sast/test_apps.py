"""lockgate's own rules (semgrep only, bandit off) on small Flask, Django and Express apps: every
planted weakness is caught, in every framework, and the fixed apps give no finding at all."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from lockgate.model import StageResult, Status
from lockgate.sast.merge import engines_of
from lockgate.stages.sast import SastStage
from lockgate.tools import proc
from tests.sast.fixture_apps import (
    APP_RULES,
    CLASSES,
    FRAMEWORKS,
    REQUIRED,
    caught,
    copy_apps,
    planted,
)
from tests.testing.harness import run_stage

pytestmark = pytest.mark.skipif(
    not proc.which("semgrep"), reason="semgrep is installed by scripts/bootstrap"
)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, StageResult]:
    tmp = tmp_path_factory.mktemp("apps")
    root = copy_apps(tmp / "apps")
    return root, run_stage(SastStage, root, tmp, engines=["semgrep"])


def test_every_framework_plants_every_weakness_class(scanned) -> None:
    root, _ = scanned
    for framework in FRAMEWORKS:
        classes = {w.cls for w in planted(root) if w.app == f"{framework}/vulnerable"}
        assert set(REQUIRED) <= classes, framework


def test_lockgate_rules_catch_every_planted_weakness(scanned) -> None:
    root, result = scanned
    missed = [w for w in planted(root) if not caught(w, result.findings)]
    assert not missed
    assert {f.tool for f in result.findings} == {"semgrep"}


def test_nothing_is_flagged_in_the_fixed_apps(scanned) -> None:
    _, result = scanned
    fixed = [f for f in result.findings if "/fixed/" in f.location.path]
    assert not fixed, [(f.rule_id, f.where) for f in fixed]


def test_nothing_is_flagged_off_the_planted_lines(scanned) -> None:
    root, result = scanned
    lines = {(w.path, w.line) for w in planted(root)}
    extra = [f for f in result.findings if (f.location.path, f.location.start_line) not in lines]
    assert not extra, [(f.rule_id, f.where) for f in extra]


def test_one_finding_per_planted_weakness(scanned) -> None:
    root, result = scanned
    per_line = Counter((f.location.path, f.location.start_line) for f in result.findings)
    assert all(per_line[(w.path, w.line)] == 1 for w in planted(root))
    assert result.status is Status.PASSED, result.unchecked


def test_every_rule_the_apps_stand_for_fires_on_a_vulnerable_app(scanned) -> None:
    _, result = scanned
    seen = " ".join(f"{f.rule_id} {f.message}" for f in result.findings)
    assert APP_RULES and all(rule in seen for rule in APP_RULES)


def test_taint_findings_name_the_weakness_and_the_fix(scanned) -> None:
    _, result = scanned
    for finding in result.findings:
        assert any(t in CLASSES.values() for t in finding.tags), finding
        assert finding.help_text and finding.help_uri


@pytest.mark.skipif(not proc.which("bandit"), reason="bandit is installed by scripts/bootstrap")
def test_bandit_and_semgrep_on_one_line_and_weakness_become_one_finding(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "app.py").write_text(
        "from flask import request\n\n\ndef calc():\n    return eval(request.args['expr'])\n"
    )
    result = run_stage(SastStage, project, tmp_path, engines=["semgrep", "bandit"])
    at_eval = [f for f in result.findings if f.location.start_line == 5]
    assert len(at_eval) == 1, [(f.tool, f.rule_id) for f in at_eval]
    (finding,) = at_eval
    assert set(engines_of(finding)) == {"semgrep", "bandit"}
    assert finding.rule_id == "lockgate.python.taint.code-injection"
    assert "bandit B307" in finding.message and "CWE-95" in finding.tags
    raw = sum("findings in" in part for part in result.summary.split(";"))
    assert raw == 2 and "after merging" in result.summary

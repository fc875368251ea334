"""The accessibility stage: where its URL comes from, what it says when it cannot check, and
`lockgate run --only accessibility --url URL` reporting WCAG barriers in SARIF."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lockgate.a11y import sources
from lockgate.errors import LockgateError
from lockgate.model import Severity, StageResult, Status
from lockgate.stages.accessibility import AccessibilityStage
from tests.a11y.server import closed_port, serve
from tests.testing.harness import make_context

STAGE = AccessibilityStage()


def _deployed(url: str) -> dict[str, StageResult]:
    summary = f"0.1.0-abc serving at {url} (review-main)"
    return {"deploy": StageResult(stage="deploy", status=Status.PASSED, summary=summary)}


def test_without_a_url_it_is_skipped_and_says_so(tmp_path: Path) -> None:
    ctx = make_context(AccessibilityStage, tmp_path, tmp_path / "art")
    result = STAGE.run(ctx)
    assert result.status is Status.SKIPPED
    assert "--url" in result.summary
    (item,) = result.unchecked
    assert "deploy" in item.reason and "--url" in item.fix
    assert STAGE.available(ctx) is None  # nothing to check: no browser needed


def test_a_failed_deploy_gives_no_url(tmp_path: Path) -> None:
    failed = {"deploy": StageResult(stage="deploy", status=Status.PASSED, summary="deploy failed")}
    ctx = make_context(AccessibilityStage, tmp_path, tmp_path / "art", upstream=failed)
    result = STAGE.run(ctx)
    assert result.status is Status.SKIPPED and "deploy failed" in result.summary


def test_gate_fails_on_serious_by_default(tmp_path: Path) -> None:
    ctx = make_context(AccessibilityStage, tmp_path, tmp_path / "art")
    assert ctx.gate.fail_on is Severity.HIGH


def test_remote_url_needs_allow_remote(tmp_path: Path) -> None:
    ctx = make_context(AccessibilityStage, tmp_path, tmp_path / "a", url="https://www.gov.uk/")
    assert "allow_remote" in str(STAGE.available(ctx))
    deployed = make_context(
        AccessibilityStage, tmp_path, tmp_path / "b", upstream=_deployed("http://10.1.2.3:8080/")
    )
    with pytest.raises(LockgateError, match="allow_remote"):
        STAGE.run(deployed)


def test_missing_chromium_names_the_install(tmp_path: Path) -> None:
    ctx = make_context(
        AccessibilityStage,
        tmp_path,
        tmp_path / "art",
        url="http://127.0.0.1:9/",
        browser=str(tmp_path / "no-chromium"),
    )
    why = str(STAGE.available(ctx))
    assert "no Chromium at" in why and "apt-get install chromium" in why


def test_missing_rule_engines_name_bootstrap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sources.ENV, str(tmp_path / "empty"))
    ctx = make_context(AccessibilityStage, tmp_path, tmp_path / "art", url="http://127.0.0.1:9/")
    why = str(STAGE.available(ctx))
    assert "axe-core is not installed" in why and "scripts/bootstrap" in why


@pytest.mark.slow
def test_unreachable_url_is_an_error_naming_the_fix(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/"
    result = STAGE.run(make_context(AccessibilityStage, tmp_path, tmp_path / "art", url=url))
    assert result.status is Status.ERROR
    assert "could not be loaded" in result.summary and "ERR_CONNECTION_REFUSED" in result.summary
    assert f"is running at {url}" in result.summary
    assert result.findings == ()


@pytest.mark.slow
def test_a_page_that_never_loads_is_not_checked_and_named(tmp_path: Path) -> None:
    with serve() as base:
        ctx = make_context(
            AccessibilityStage,
            tmp_path,
            tmp_path / "art",
            upstream=_deployed(base + "clean.html"),
            paths=["/hang"],
            crawl=False,
            page_timeout=1.0,
        )
        result = STAGE.run(ctx)
    assert result.status is Status.WARNED  # the clean page passed, the other was not checked
    (item,) = result.unchecked
    assert item.what == base + "hang"
    assert item.reason == "did not finish loading within 1 s (page_timeout)"
    assert result.findings == ()


@pytest.mark.slow
def test_findings_carry_criterion_page_selector_snippet_and_screenshot(tmp_path: Path) -> None:
    with serve() as base:
        ctx = make_context(
            AccessibilityStage, tmp_path, tmp_path / "art", url=base + "missing-alt.html"
        )
        result = STAGE.run(ctx)
    assert result.status is Status.PASSED  # the gate, not the stage, decides failed
    (found,) = result.findings
    assert found.severity is Severity.CRITICAL and found.rule_id == "image-alt"
    assert found.url == base + "missing-alt.html"
    assert found.selector == "html > body > main > img"
    assert "WCAG-1.1.1" in found.tags and "[WCAG 1.1.1; axe-core + htmlcs]" in found.message
    assert "<img src=" in found.message
    assert found.help_uri and found.help_uri.startswith("https://")
    shots = list((tmp_path / "art" / "screenshots").glob("*.png"))
    assert len(shots) == 1 and shots[0].read_bytes().startswith(b"\x89PNG")
    report = json.loads((tmp_path / "art" / "accessibility.json").read_text())
    assert report["pages"] == [base + "missing-alt.html"]
    # the fingerprint leaves out host and port: a review environment's port changes
    with serve() as other:
        again = STAGE.run(
            make_context(
                AccessibilityStage, tmp_path, tmp_path / "b", url=other + "missing-alt.html"
            )
        )
    assert again.findings[0].fingerprint == found.fingerprint


def _lockgate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "1"}
    env.pop("LOCKGATE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "lockgate", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_run_only_accessibility_with_url_reports_barriers_in_sarif(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    config = '[project]\nname = "demo"\n\n[stages.accessibility]\ncrawl = false\n'
    (project / "lockgate.toml").write_text(config)  # the form links to pages the server lacks
    with serve() as base:
        bad = _lockgate(
            "run", str(project), "--only", "accessibility", "--url", base + "no-label.html",
            "--report-dir", str(tmp_path / "bad"), cwd=tmp_path,
        )  # fmt: skip
        good = _lockgate(
            "run", str(project), "--only", "accessibility", "--url", base + "govuk-form.html",
            "--report-dir", str(tmp_path / "good"), cwd=tmp_path,
        )  # fmt: skip
    assert bad.returncode == 1, bad.stdout + bad.stderr
    sarif = json.loads((tmp_path / "bad" / "lockgate.sarif").read_text())
    results = [r for run in sarif["runs"] for r in run["results"]]
    assert {run["tool"]["driver"]["name"] for run in sarif["runs"]} == {"axe-core", "htmlcs"}
    rules = {r["id"]: r for run in sarif["runs"] for r in run["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in results} == {"label", "Principle1.Guideline1_3.1_3_1.F68"}
    assert "WCAG-4.1.2" in rules["label"]["properties"]["tags"]
    where = results[0]["locations"][0]
    assert where["physicalLocation"]["artifactLocation"]["uri"] == base + "no-label.html"
    assert where["logicalLocations"][0]["fullyQualifiedName"] == "html > body > main > form > input"
    assert good.returncode == 0, good.stdout + good.stderr
    clean = json.loads((tmp_path / "good" / "lockgate.sarif").read_text())
    assert [r for run in clean["runs"] for r in run["results"]] == []


def test_run_rejects_a_remote_url_with_exit_2(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "lockgate.toml").write_text('[project]\nname = "demo"\n')
    done = _lockgate(
        "run", str(project), "--only", "accessibility", "--url", "https://www.gov.uk/", cwd=tmp_path
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "allow_remote" in done.stderr and "Traceback" not in done.stderr


def test_an_interaction_needs_path_and_click(tmp_path: Path) -> None:
    with pytest.raises(LockgateError, match="path and click"):
        make_context(AccessibilityStage, tmp_path, tmp_path / "a", interactions=[{"path": "/a"}])

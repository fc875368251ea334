"""Where the load stage's URL comes from: `url`/`--url`, else the deploy stage's result, else none."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.model import Finding, Severity, StageResult, Status
from lockgate.stages.load import LoadStage, target_url
from tests.testing.harness import make_context

DEPLOYED = StageResult(
    stage="deploy",
    status=Status.PASSED,
    summary="1.4.0 serving at http://127.0.0.1:18080 (review-x)",
)
FAILED = DEPLOYED.with_(
    summary="deploy to review-x failed; the previous version keeps serving",
    findings=(Finding("deploy", "lockgate", "deploy-failed", "failed", Severity.HIGH, "f"),),
)

CASES: list[tuple[dict[str, StageResult], str, str | None, str]] = [
    ({}, "", None, "no URL to test"),
    ({"deploy": DEPLOYED}, "", "http://127.0.0.1:18080", ""),
    ({"deploy": DEPLOYED}, "http://127.0.0.1:9000", "http://127.0.0.1:9000", ""),  # --url wins
    ({"deploy": FAILED}, "", None, "did not deploy"),
    ({"deploy": DEPLOYED.with_(status=Status.ERROR)}, "", None, "did not deploy"),
    ({"deploy": DEPLOYED.with_(summary="done")}, "", None, "reported none"),
]


@pytest.mark.parametrize(("upstream", "url", "expected", "why"), CASES)
def test_target_url(
    tmp_path: Path, upstream: dict[str, StageResult], url: str, expected: str | None, why: str
) -> None:
    ctx = make_context(LoadStage, tmp_path, tmp_path / "a", upstream=upstream, url=url)
    found, reason = target_url(ctx)
    assert found == expected and why in reason


def test_no_url_is_skipped_and_not_checked_never_passed(tmp_path: Path) -> None:
    ctx = make_context(LoadStage, tmp_path, tmp_path / "a", upstream={"deploy": FAILED})
    result = LoadStage().run(ctx)
    assert result.status is Status.SKIPPED and result.unchecked
    assert "did not deploy" in result.summary


def test_a_url_with_no_scenario_is_skipped_and_not_checked(tmp_path: Path) -> None:
    ctx = make_context(LoadStage, tmp_path, tmp_path / "a", url="http://127.0.0.1:9")
    assert LoadStage().available(ctx) is None
    result = LoadStage().run(ctx)
    assert result.status is Status.SKIPPED and "no load scenario" in result.summary
    assert result.unchecked[0].fix.startswith("add [[stages.load.scenario]]")

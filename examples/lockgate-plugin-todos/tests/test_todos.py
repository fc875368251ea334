"""The example stage through lockgate's own context builder: a should-flag / should-not-flag table."""

from __future__ import annotations

from pathlib import Path

import pytest
from lockgate_todos import TodoStage

from lockgate.config.loader import config_from_data
from lockgate.engine.context import stage_context
from lockgate.model import Status
from lockgate.stages.interface import GitInfo


def run(project: Path, tmp_path: Path, **options: object):  # type: ignore[no-untyped-def]
    config = config_from_data(project, {}, {"todos": TodoStage})
    ctx = stage_context(
        config, TodoStage, artifacts=tmp_path / "out", run_id="t", git=GitInfo(), overrides=options
    )
    return TodoStage().run(ctx)


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("# TODO: remove the retry", True),
        ("// FIXME(ana) off by one", True),
        ("x = 1  # TODO", True),
        ("todo_list = []", False),  # a name, not a note
        ("# TODOS are tracked in issues", False),
        ("# a note about the methodology", False),
    ],
)
def test_notes(tmp_path: Path, line: str, flagged: bool) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "app.py").write_text(f"{line}\n")
    result = run(project, tmp_path)
    assert result.status is Status.PASSED
    assert bool(result.findings) is flagged


def test_words_are_configurable(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "app.py").write_text("# HACK: later\n# TODO: now\n")
    result = run(project, tmp_path, words=["HACK"])
    assert [f.rule_id for f in result.findings] == ["hack"]

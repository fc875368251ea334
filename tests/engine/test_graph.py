from __future__ import annotations

import pytest

from lockgate.engine.graph import build_plan
from lockgate.errors import LockgateError
from tests.testing.fakes import make_stage


def stages(*specs: tuple[str, tuple[str, ...]]) -> dict[str, type]:
    return {name: make_stage(name, needs) for name, needs in specs}


def test_order_respects_needs() -> None:
    plan = build_plan(
        stages(("deploy", ("build",)), ("build", ("lint", "test")), ("lint", ()), ("test", ()))
    )
    order = plan.order
    assert order.index("build") > order.index("lint")
    assert order.index("build") > order.index("test")
    assert order.index("deploy") > order.index("build")
    assert plan.dependents("lint") == ("build", "deploy")


def test_only_ignores_needs_outside_the_selection() -> None:
    plan = build_plan(stages(("lint", ()), ("build", ("lint",))), only=["build"])
    assert plan.order == ("build",)
    assert plan.needs["build"] == ()
    assert plan.ignored_needs["build"] == ("lint",)


def test_skip_and_disabled() -> None:
    all_ = stages(("lint", ()), ("test", ()), ("docs", ()))
    assert build_plan(all_, skip=["test"]).order == ("lint", "docs")
    assert build_plan(all_, disabled=["docs"]).order == ("lint", "test")


def test_unknown_stage_suggests_the_close_one() -> None:
    with pytest.raises(LockgateError) as err:
        build_plan(stages(("lint", ()), ("test", ())), only=["lnt"])
    assert "unknown stage 'lnt' in --only" in err.value.message
    assert "did you mean 'lint'" in (err.value.hint or "")


def test_cycle_is_reported_with_its_path() -> None:
    with pytest.raises(LockgateError) as err:
        build_plan(stages(("a", ("c",)), ("b", ("a",)), ("c", ("b",))))
    assert "cycle" in err.value.message
    assert "->" in err.value.message


def test_need_on_unknown_stage() -> None:
    with pytest.raises(LockgateError, match="needs of stage 'a'"):
        build_plan(stages(("a", ("nope",))))

"""The StageContext of one stage, built from the loaded config (the only place that assembles one)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lockgate.config.loader import Config, stage_options
from lockgate.config.options import Option
from lockgate.config.validate import describe, freeze
from lockgate.errors import LockgateError
from lockgate.model import StageResult
from lockgate.stages.interface import GitInfo, Stage, StageContext


def stage_context(
    config: Config,
    stage: type[Stage],
    *,
    artifacts: Path,
    run_id: str,
    git: GitInfo,
    overrides: Mapping[str, Any] | None = None,
    upstream: Mapping[str, StageResult] | None = None,
) -> StageContext:
    """`stage`'s validated section (plus checked command-line `overrides`), gate and surroundings."""
    settings = config.stages[stage.name]
    options = dict(settings.options)
    if overrides:
        options.update(_checked(stage, overrides))
    return StageContext(
        project=config.root,
        artifacts=artifacts,
        options=MappingProxyType(options),
        gate=settings.gate,
        run_id=run_id,
        git=git,
        service=config.project.name,
        project_id=config.project.id,
        enabled_stages=tuple(n for n, s in config.stages.items() if s.enabled),
        container=config.container,
        deploy=config.deploy,
        environments=config.environments,
        upstream=MappingProxyType(dict(upstream or {})),
        needed_options=MappingProxyType(
            {n: config.stages[n].options for n in stage.needs if n in config.stages}
        ),
        naming=config.naming,
    )


def _checked(stage: type[Stage], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Overrides validated like the config file's values: a declared key, a value of its type."""
    declared: dict[str, Option] = {o.name: o for o in stage_options(stage)}
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        option = declared.get(key)
        if option is None:
            raise LockgateError(
                f"stage '{stage.name}' has no option '{key}'",
                hint=f"its options: {', '.join(declared)}",
            )
        expected = option.validate(value)
        if expected is not None:
            raise LockgateError(
                f"stages.{stage.name}.{key}: expected {expected}, found {describe(value)}",
                hint=f"{key}: {option.help}",
            )
        out[key] = freeze(float(value) if option.kind == "float" else value)
    return out

"""The StageContext of one stage, built from the loaded config (the only place that assembles one)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lockgate.config.loader import Config
from lockgate.model import StageResult
from lockgate.stages.interface import GitInfo, StageContext


def stage_context(
    config: Config,
    name: str,
    *,
    artifacts: Path,
    run_id: str,
    git: GitInfo,
    overrides: Mapping[str, Any] | None = None,
    upstream: Mapping[str, StageResult] | None = None,
) -> StageContext:
    """Stage `name`'s validated options (plus command-line `overrides`), gate and surroundings."""
    settings = config.stages[name]
    return StageContext(
        project=config.root,
        artifacts=artifacts,
        options=MappingProxyType({**settings.options, **(overrides or {})}),
        gate=settings.gate,
        run_id=run_id,
        git=git,
        service=config.project.name,
        upstream=MappingProxyType(dict(upstream or {})),
        config=config,
    )

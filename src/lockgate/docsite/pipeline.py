"""The pipeline page: every stage with its gate, and the environments, from lockgate's own config."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from lockgate.config.options import Option
from lockgate.config.validate import freeze
from lockgate.docsite.html import esc, table
from lockgate.docsite.interface import Page, Part, Source, Unread
from lockgate.errors import LockgateError


def build(source: Source) -> Part:
    from lockgate.config.loader import load_config, stage_options
    from lockgate.stages.registry import all_stages

    try:
        stages = all_stages()
        config = load_config(source.root, stages)
    except LockgateError as exc:
        return Part(unread=(Unread("pipeline", exc.message, exc.hint or "fix lockgate.toml"),))
    rows = [
        (
            f"<code>{esc(name)}</code>",
            esc(stages[name].kind.value),
            esc(stages[name].description),
            "yes" if s.enabled else "no",
            esc(s.gate.fail_on.value),
            "yes" if s.gate.new_only else "no",
            "fail" if s.gate.fail_on_unchecked else "warn",
            _settings(s.options, stage_options(stages[name])),
        )
        for name, s in config.stages.items()
        if name in stages
    ]
    envs = [
        (
            f"<code>{esc(name)}</code>",
            esc(e.url or e.host or ""),
            esc(", ".join(e.branches) or "any"),
            esc(", ".join(e.requires) or "none"),
            "yes" if e.require_passed_run else "no",
        )
        for name, e in config.environments.items()
    ]
    where = esc(config.path.name) if config.path is not None else "built-in defaults"
    body = (
        f"<p>Service <strong>{esc(config.project.name)}</strong>; base branch "
        f"<code>{esc(config.project.base_branch)}</code>; configuration from {where}.</p>"
        "<h2>Gates</h2>"
        + table(
            (
                "Stage",
                "Kind",
                "What it checks",
                "Enabled",
                "Fails on",
                "New findings only",
                "Unchecked items",
            ),
            rows,
        )
        + "<h2>Environments</h2>"
        + table(("Environment", "URL or host", "Branches", "Requires", "Needs a passed run"), envs)
    )
    return Part((Page("pipeline", "Pipeline", body),), items={"stages": len(rows)})


def _settings(values: Mapping[str, Any], options: tuple[Option, ...]) -> str:
    """The stage's options that differ from their defaults (coverage_min = 80, p95_ms = 300)."""
    defaults = {o.name: freeze(o.default) for o in options}
    changed = [
        f"<code>{esc(k)} = {esc(_show(v))}</code>"
        for k, v in values.items()
        if k in defaults and v != defaults[k]
    ]
    return "<br>".join(changed) or "defaults"


def _show(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value) if isinstance(value, str | bool) else str(value)

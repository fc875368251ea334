"""The pipeline page: every stage with its gate, and the environments, from lockgate's own config."""

from __future__ import annotations

from lockgate.docsite.html import esc, table
from lockgate.docsite.interface import Page, Part, Source, Unread
from lockgate.errors import LockgateError


def build(source: Source) -> Part:
    from lockgate.config.loader import load_config
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
